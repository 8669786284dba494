// InputMapping and OutputMapping, as service tasks and call activities read them.

/** A mapping property: a JSON object of names, e.g. `{"reference": "mandateRef"}`. */
export function parseMapping(value: string | undefined, taskId: string, name: string): Record<string, string> | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const parsed = JSON.parse(value) as unknown;
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    Array.isArray(parsed) ||
    !Object.values(parsed).every((v) => typeof v === 'string')
  ) {
    throw new Error(`<${taskId}> ${name} must be a JSON object of names`);
  }
  return parsed as Record<string, string>;
}

/** A dotted path into JSON data (`customer.name`); null when absent. */
export function fieldOf(data: unknown, path: string): unknown {
  let current = data;
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null) return null;
    current = (current as Record<string, unknown>)[part];
  }
  return current ?? null;
}
