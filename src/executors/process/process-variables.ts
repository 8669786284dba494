/** Keys bpmn-engine adds to `environment.variables` for its own bookkeeping. */
const engineKeys = new Set(['fields', 'content', 'properties']);

/** The process variables as JSON, without the engine's bookkeeping. */
export function publicVariables(variables: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(variables)) {
    if (!engineKeys.has(key) && value !== undefined && typeof value !== 'function') result[key] = value;
  }
  return JSON.parse(JSON.stringify(result)) as Record<string, unknown>;
}
