import { fromJson, toJson, type JsonObject, type JsonValue } from '@bufbuild/protobuf';
import { ValueSchema } from '@bufbuild/protobuf/wkt';
import { AppError, invalidArgument } from '../../errors.js';
import { defineCommand } from '../command.js';
import { parseForwardAllowList } from '../../router/forward-allow-list.js';
import { forwardHeaderProblems, splitForwardHeaders } from './forward/forward-headers.js';
import { forwardRequest } from './forward/forward-request.js';
import { parseRetryAfter } from './forward/retry-after.js';
import { signingSecretProblems, standardWebhookHeaders } from './forward/standard-webhook-headers.js';
import { inForwardSpan } from '../../tracing/work-spans.js';

export interface ForwardWebhookOptions {
  /** FORWARD_ALLOWED_HOSTS: nothing else is reachable. */
  readonly allowedHosts: readonly string[];
  readonly timeoutMs: number;
}

/**
 * POSTs the webhook's body to `parameters.url` (a chain step's parameters, or `doCmd` data) and
 * answers `{status, body}`; only hosts in FORWARD_ALLOWED_HOSTS are reachable, and a non-2xx answer
 * is a failure, so a chain stops there. `parameters.headers` may add headers, but not hop-by-hop or
 * framing ones (refused when a config is saved, dropped with a warning when a script passes them), and
 * none of them follows a redirect to another origin. Every forward carries the Standard Webhooks
 * headers (see standard-webhook-headers.ts), signed when `parameters.signingSecret` is set. A 429 or
 * 503 with Retry-After fails carrying the delay asked for (see retry-after.ts): the delivery then backs
 * the configuration off instead of counting the attempt.
 */
export function createForwardWebhookCommand(options: ForwardWebhookOptions) {
  const allowList = parseForwardAllowList(options.allowedHosts);
  return defineCommand({
    name: 'ForwardWebhookCommand',
    description: 'POSTs the webhook body to parameters.url (FORWARD_ALLOWED_HOSTS only); data is {status, body}',
    input: ValueSchema,
    output: ValueSchema,
    permission: 'webhooks:write',
    successMessage: 'Webhook forwarded successfully',
    runnableFromWebhook: true,
    parameterProblems: (parameters) => [...forwardHeaderProblems(parameters), ...signingSecretProblems(parameters)],
    async handle(input, ctx) {
      const json = asObject(toJson(ValueSchema, input));
      const parameters = asObject(json.parameters ?? null);
      const url = parameters.url ?? json.url;
      if (typeof url !== 'string' || url === '') throw invalidArgument('Forward failed', ['parameters.url is required']);
      const extra = splitForwardHeaders(parameters);
      if (extra.refused.length > 0) {
        ctx.log.warn(
          { refused: extra.refused.map((name) => name.slice(0, 100)) },
          'ForwardWebhookCommand dropped headers it may not set',
        );
      }
      const body = bodyOf(json);
      const signing = standardWebhookHeaders({ json, parameters, requestId: ctx.requestId }, body, ctx.clock());
      const request = { body, headers: { ...baseHeaders(json), ...signing }, originHeaders: extra.headers };
      const send = (traceHeaders: Readonly<Record<string, string>>) =>
        forwardRequest(
          url,
          { ...request, headers: { ...request.headers, ...traceHeaders } },
          { allowList, timeoutMs: options.timeoutMs, signal: ctx.signal },
        );
      // The forward's own span context replaces the incoming traceparent when tracing is on.
      const response = URL.canParse(url) ? await inForwardSpan(new URL(url), send) : await send({});
      const answer = parseBody(response.contentType, response.body);
      if (response.status < 200 || response.status > 299) {
        const retryAfterMs = parseRetryAfter(response.status, response.retryAfter, ctx.clock());
        const asked = retryAfterMs === undefined ? '' : ` (Retry-After: ${retryAfterMs / 1_000} s)`;
        throw new AppError(
          'execution_failed',
          'Forward failed',
          [`${new URL(url).host} answered ${response.status}${asked}: ${response.body.slice(0, 200)}`],
          retryAfterMs === undefined ? undefined : { retryAfterMs },
        );
      }
      return fromJson(ValueSchema, { status: response.status, body: answer });
    },
  });
}

/** The raw body when the webhook had one (signatures downstream still match), else the JSON of `body`. */
function bodyOf(json: JsonObject): string {
  if (typeof json.rawBody === 'string' && json.rawBody !== '') return json.rawBody;
  return JSON.stringify(json.body ?? null);
}

function baseHeaders(json: JsonObject): Record<string, string> {
  const incoming = asObject(json.headers ?? null);
  const contentType = typeof incoming['content-type'] === 'string' ? incoming['content-type'] : 'application/json';
  return { 'content-type': contentType, 'user-agent': 'bpm-webhooks' };
}

function parseBody(contentType: string, text: string): JsonValue {
  if (!/json/i.test(contentType)) return text;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}

function asObject(value: JsonValue): JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
}
