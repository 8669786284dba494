import type { JsonValue } from '@bufbuild/protobuf';
import type { Service } from '../../src/compose.js';
import { buildExecutionJob } from '../../src/delivery/build-execution-job.js';
import type { WebhookConfig } from '../../src/domain/webhook-config.js';
import type { WebhookEvent } from '../../src/domain/webhook-event.js';

/** The execution step of an attempt as run-attempt.ts takes it: job, call, result as JSON. */
export async function runExecutionStep(service: Service, event: WebhookEvent, config: WebhookConfig): Promise<JsonValue> {
  const result = await service.execution.execute(buildExecutionJob(event, config));
  if (!result.success) throw new Error(result.errors.join('; '));
  return result.data;
}
