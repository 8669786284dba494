import type { JsonObject } from '@bufbuild/protobuf';
import type { ExecutionContextJson } from '../executors/execution-job.js';

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

/** The variables a StartProcess webhook starts its instance with: the body's fields (or `body`) and `webhook`. */
export function startVariables(context: ExecutionContextJson): JsonObject {
  const { body } = context;
  return {
    ...(typeof body === 'object' && body !== null && !Array.isArray(body) ? body : { body: body ?? null }),
    webhook: {
      method: context.method,
      path: context.path,
      headers: context.headers,
      query: context.query,
      eventId: context.eventId,
    },
  };
}

/** Whether variables, as JSON, take more than `maxBytes` (PROCESS_MAX_VARIABLES_BYTES): at a start and at the end of every run. */
export function variablesExceed(variables: Record<string, unknown>, maxBytes: number): boolean {
  return Buffer.byteLength(JSON.stringify(variables)) > maxBytes;
}
