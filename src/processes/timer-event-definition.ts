import * as Elements from 'bpmn-elements';
import { checkTimerValue, type TimerType } from './timer-values.js';

interface TimerDefinitionBase {
  readonly activity: { readonly id: string };
  parse(type: TimerType, value: string): unknown;
}

type TimerDefinitionClass = new (...args: never[]) => TimerDefinitionBase;

/**
 * bpmn-elements' timer event definition, with every value checked as it is resolved (expressions
 * included): a value that cannot run safely fails its activity with the reason instead of reaching
 * the date library, and a cycle shorter than `minCycleMs` runs every `minCycleMs`.
 */
export function createTimerEventDefinition(minCycleMs: number): TimerDefinitionClass {
  const Base = Elements.TimerEventDefinition as unknown as TimerDefinitionClass;
  return class CheckedTimerEventDefinition extends Base {
    override parse(type: TimerType, value: string): unknown {
      const checked = checkTimerValue(type, String(value), { now: new Date(), minCycleMs });
      if ('problem' in checked) throw new Error(`Timer "${this.activity.id}": ${checked.problem}`);
      return super.parse(type, checked.value);
    }
  };
}
