import * as Elements from 'bpmn-elements';
import BpmnModdle from 'bpmn-moddle';
import serializer, { TypeResolver, type SerializableContext } from 'moddle-context-serializer';
import { defaultProcessSettings } from '../config/config.js';
import type { ProcessDefinition } from '../domain/process-definition.js';
import { createTimerEventDefinition } from './timer-event-definition.js';

const maxCached = 200;

/**
 * Parsed definitions, one per deployed version (a version never changes):
 * bpmn-engine then skips the XML parse, which costs more than the run of a short process. Timers
 * check their values as they run, with cycles no shorter than `minTimerCycleMs`.
 */
export function createDefinitionCache(options = { minTimerCycleMs: defaultProcessSettings.minTimerCycleMs }) {
  const typeResolver = TypeResolver({
    ...Elements,
    InclusiveGateway: joiningInclusiveGateway,
    TimerEventDefinition: createTimerEventDefinition(options.minTimerCycleMs),
  } as never);
  const cache = new Map<string, Promise<SerializableContext>>();
  return {
    sourceContextOf(definition: ProcessDefinition): Promise<SerializableContext> {
      // The deployment time guards against an id handed out again (a restored or truncated store).
      const key = `${definition.id}:${definition.deployedAt.getTime()}:${definition.bpmnXml.length}`;
      const cached = cache.get(key);
      if (cached) return cached;
      if (cache.size >= maxCached) cache.delete(cache.keys().next().value as string);
      const parsed = new BpmnModdle()
        .fromXML(definition.bpmnXml)
        .then((moddleContext) => serializer(moddleContext as never, typeResolver));
      parsed.catch(() => cache.delete(key));
      cache.set(key, parsed);
      return parsed;
    },
  };
}

export type DefinitionCache = ReturnType<typeof createDefinitionCache>;

/**
 * bpmn-elements passes every token through an inclusive gateway, so a converging one ran what follows
 * once per branch taken. Flagged like a parallel gateway, a gateway with several inbound flows waits
 * until each of them was taken or discarded (the branches whose condition failed are discarded
 * along their path), which is the inclusive join; a diverging one is unchanged.
 */
function joiningInclusiveGateway(activityDef: object, context: unknown) {
  return (Elements.InclusiveGateway as unknown as (definition: object, context: unknown) => unknown)(
    { ...activityDef, isParallelGateway: true },
    context,
  );
}
