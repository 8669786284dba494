import type { JsonValue } from '@bufbuild/protobuf';
import { redactSecretValues, secretValuesOf } from '../domain/config-secrets.js';
import type { WebhookConfig } from '../domain/webhook-config.js';
import type { ExecutionOutcome } from '../executors/execution-job.js';

/** How much of one step's data an attempt record keeps: JSON characters (a doCmd loop must not store megabytes per call). */
export const maxStepDataChars = 16 * 1024;
/** How much of one step's or one result's error is kept. */
const maxErrorChars = 2_000;

type Recordable = Pick<ExecutionOutcome, 'success' | 'data' | 'errors' | 'httpResponse' | 'logs' | 'steps'>;

/**
 * An outcome as it leaves the service (the caller's answer, the stored attempt and event, the
 * log): every secret the configuration holds redacted as configuration reads show it (`****`), and
 * each step's data cut to `maxStepDataChars` with the cut noted.
 */
export function outwardOutcome<O extends Recordable>(outcome: O, config: WebhookConfig | undefined): O {
  const secrets = config ? secretsOf(config) : [];
  const redact = (value: JsonValue) => redactSecretValues(value, secrets);
  const text = (value: string) => clipText(redact(value) as string);
  return {
    ...outcome,
    data: redact(outcome.data),
    errors: outcome.errors.map(text),
    httpResponse: outcome.httpResponse && {
      ...outcome.httpResponse,
      headers: redact(outcome.httpResponse.headers) as Record<string, string>,
      body: redact(outcome.httpResponse.body),
    },
    logs: outcome.logs.map((line) => ({ ...line, message: redact(line.message) as string })),
    steps: outcome.steps.map((step) => ({ ...step, data: boundedStepData(redact(step.data)), error: text(step.error) })),
  };
}

/** Data over the cap is replaced by a note of its size and the start of its JSON. */
function boundedStepData(data: JsonValue): JsonValue {
  const json = JSON.stringify(data) ?? 'null';
  if (json.length <= maxStepDataChars) return data;
  return { truncated: true, chars: json.length, start: json.slice(0, 1_000) };
}

function clipText(text: string): string {
  return text.length > maxErrorChars ? `${text.slice(0, maxErrorChars)}... (${text.length} characters)` : text;
}

/** Each loaded configuration's secrets, found once per configuration object (the cache makes new ones when it reloads). */
const secretsByConfig = new WeakMap<WebhookConfig, readonly string[]>();

function secretsOf(config: WebhookConfig): readonly string[] {
  let secrets = secretsByConfig.get(config);
  if (!secrets) {
    secrets = secretValuesOf(config);
    secretsByConfig.set(config, secrets);
  }
  return secrets;
}
