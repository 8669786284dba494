import { processActions } from '../../domain/execution-target.js';

const maxMessageNameLength = 200;

/** A StartProcess configuration's options: "correlate" needs a message name and a JSON pointer to the key; "start" takes neither. */
export function processActionProblems(draft: {
  action: string | null;
  messageName: string | null;
  correlationKey: string | null;
}): string[] {
  const action = draft.action ?? 'start';
  if (!(processActions as readonly string[]).includes(action)) return ['Process action must be "start" or "correlate"'];
  if (action === 'start') {
    const extra = [draft.messageName !== null && 'Message name', draft.correlationKey !== null && 'Correlation key'];
    return extra.filter((label) => label !== false).map((label) => `${label} is only used by process action "correlate"`);
  }
  const problems: string[] = [];
  if (draft.messageName === null) problems.push('Message name is required for process action "correlate"');
  else if (draft.messageName.length > maxMessageNameLength) {
    problems.push(`Message name must be at most ${maxMessageNameLength} characters`);
  }
  if (draft.correlationKey === null) problems.push('Correlation key is required for process action "correlate"');
  else if (!/^(\/[^/]*)+$/.test(draft.correlationKey) || draft.correlationKey.length > 500) {
    problems.push('Correlation key must be a JSON pointer into the body, e.g. "/data/mandateRef"');
  }
  return problems;
}
