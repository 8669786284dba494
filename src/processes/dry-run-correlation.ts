import type { JsonValue } from '@bufbuild/protobuf';
import type { ProcessDefinition } from '../domain/process-definition.js';
import { resolvePointer } from '../router/idempotency-key.js';
import type { Db } from '../store/open-database.js';
import { findInstancesWaitingForMessage } from '../store/process-instances.js';
import type { ConfigDryRun } from '../executors/dry-run.js';
import { createDefinitionCache } from './definition-cache.js';
import { correlationKeyOf, findStartMessage } from './process-messages.js';

const definitions = createDefinitionCache();
/** As many waiting instances as a real correlation looks at. */
const lookedAt = 5;

/**
 * Which waiting instance a correlating webhook with this body would reach, read as the runtime's
 * correlate reads it (the key at the JSON pointer, the definition's name, the message), delivering
 * nothing: one match, several (refused), or none (a message start event would start an instance).
 */
export async function dryRunCorrelation(
  db: Db,
  definition: ProcessDefinition,
  correlate: { readonly messageName: string; readonly correlationKey: string; readonly body: JsonValue },
): Promise<ConfigDryRun> {
  const started = performance.now();
  const answer = (success: boolean, errors: string[], correlation?: ConfigDryRun['correlation']): ConfigDryRun => ({
    kind: 'correlate',
    success,
    result: null,
    errors,
    logs: [],
    commands: [],
    ...(correlation && { correlation }),
    durationMs: performance.now() - started,
  });
  const typedKey = correlationKeyOf(resolvePointer(correlate.body, correlate.correlationKey));
  if (typedKey === undefined) {
    return answer(false, [`The body has no correlation key (a string or number) at "${correlate.correlationKey}"`]);
  }
  const key = typedKey.text;
  const { messageName } = correlate;
  const waiting = await findInstancesWaitingForMessage(db, {
    definitionName: definition.name,
    messageName,
    correlationKey: typedKey.text,
    excludedKeyType: typedKey.type === 'string' ? 'number' : 'string',
    limit: lookedAt,
  });
  const ids = waiting.map((instance) => instance.id);
  const base = { correlationKey: key, messageName, waitingInstanceIds: ids, wouldStartInstance: false };
  const described = `message "${messageName}" with correlation key "${key}"`;
  if (ids.length > 1) return answer(false, [`Several instances of "${definition.name}" wait for ${described}`], base);
  if (ids.length === 1) return answer(true, [], { ...base, instanceId: ids[0]! });
  if (findStartMessage(await definitions.sourceContextOf(definition), messageName)) {
    return answer(true, [], { ...base, wouldStartInstance: true });
  }
  return answer(false, [`No instance of "${definition.name}" waits for ${described}`], base);
}
