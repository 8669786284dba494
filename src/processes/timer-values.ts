import { getDate, ISOInterval } from '@0dep/piso';

/** The BPMN timer kinds, as bpmn-engine reads them. */
export type TimerType = 'timeDuration' | 'timeDate' | 'timeCycle';

/** The latest date a timer may name: what both store engines and JavaScript dates hold alike. */
const latestDate = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/**
 * How many intervals a repeating timer's anchor date may lie from now: bpmn-engine's date library
 * counts up to now one interval at a time, synchronously.
 */
const maxIntervalsFromAnchor = 1_000_000;

export type CheckedTimer = { readonly value: string } | { readonly problem: string };

/**
 * Checks a timer value before bpmn-engine sees it, and gives the value to run. Refused: what cannot
 * be parsed, a date past 9999-12-31 (the store cannot hold it), and a repeating interval of zero
 * (bpmn-engine 25 loops on `R/PT0S` without ever yielding) or anchored too many intervals from now.
 * A repeating interval shorter than `minCycleMs` runs every `minCycleMs` instead.
 */
export function checkTimerValue(type: TimerType, value: string, options: { now: Date; minCycleMs: number }): CheckedTimer {
  const text = value.trim();
  if (text === '') return { value: text };
  try {
    return type === 'timeDate' ? checkDate(text) : checkInterval(text, options);
  } catch (error) {
    return { problem: `"${text}" is not an ISO 8601 ${describe(type)}: ${error instanceof Error ? error.message : error}` };
  }
}

function checkDate(text: string): CheckedTimer {
  const time = getDate(text).getTime();
  if (Number.isNaN(time)) return { problem: `"${text}" is not a date` };
  if (time > latestDate) return { problem: `"${text}" is after 9999-12-31, which the store cannot hold` };
  return { value: text };
}

function checkInterval(text: string, options: { now: Date; minCycleMs: number }): CheckedTimer {
  const interval = new ISOInterval(text).parse();
  const repeats = interval.repeat !== undefined && interval.repeat !== 0 && interval.repeat !== 1;
  if (!repeats) return { value: text };
  const start = interval.start?.toDate(true);
  const end = interval.end?.toDate(true);
  const everyMs = interval.duration ? interval.duration.toMilliseconds(start) : (end?.getTime() ?? 0) - (start?.getTime() ?? 0);
  if (!(everyMs > 0)) return { problem: `"${text}" repeats every 0 ms: a cycle needs an interval of at least 1 ms` };
  const anchor = start ?? end;
  if (anchor && Math.abs(options.now.getTime() - anchor.getTime()) / everyMs > maxIntervalsFromAnchor) {
    return { problem: `"${text}" is anchored more than ${maxIntervalsFromAnchor} intervals from now` };
  }
  if (everyMs >= options.minCycleMs || !interval.duration) return { value: text };
  const repeat = interval.repeat === -1 ? 'R' : `R${interval.repeat}`;
  const every = `PT${options.minCycleMs / 1000}S`;
  return { value: [repeat, start?.toISOString(), every, end?.toISOString()].filter(Boolean).join('/') };
}

function describe(type: TimerType): string {
  if (type === 'timeDate') return 'date';
  return type === 'timeCycle' ? 'cycle' : 'duration';
}
