import { type Attributes, type Span, SpanKind } from '@opentelemetry/api';
import { traceHeadersOf } from './trace-context.js';
import { activeTracing, inChildSpan, markFailed } from './tracing.js';

/**
 * The spans of the work an attempt does, children of its `process` span: one execution (a command,
 * a chain, a script run, a process start), each chain step, each forward, each process instance
 * moved. Each runs only under traced work (see activeTracing): a timer's or an operator's process
 * call outside any span records nothing, and with tracing off `run` is called as it is. Attributes
 * are ids, names and outcomes only.
 */
export function inExecutionSpan<T extends { readonly success: boolean }>(
  executionType: string,
  configKey: string,
  run: () => Promise<T>,
): Promise<T> {
  if (!activeTracing()) return run();
  const attributes = { 'bpm_webhooks.execution_type': executionType, 'messaging.destination.name': configKey };
  return inChildSpan(`execute ${executionType}`, { attributes }, async (span) => noteSuccess(span, await run()));
}

/** One step of a command chain. */
export function inChainStepSpan<T extends { readonly success: boolean } | 'aborted'>(
  index: number,
  commandName: string,
  run: () => Promise<T>,
): Promise<T> {
  if (!activeTracing()) return run();
  const attributes = { 'bpm_webhooks.chain.step': index + 1, 'bpm_webhooks.command.name': commandName };
  return inChildSpan(`chain step ${commandName}`, { attributes }, async (span) => {
    const outcome = await run();
    if (outcome === 'aborted') markFailed(span, 'aborted');
    else noteSuccess(span, outcome);
    return outcome;
  });
}

/**
 * A command a script runs through `doCmd`: a child of the script's `execute` span. The host asks for
 * it over its channel, outside the execution's async context, so the sandbox hands that context in.
 */
export function inScriptCommandSpan<T extends { readonly isSuccessful: boolean }>(
  commandName: string,
  run: () => Promise<T>,
): Promise<T> {
  if (!activeTracing()) return run();
  // The name comes from the script: a command's name, or whatever its author typed instead.
  const name = commandName.slice(0, 100);
  return inChildSpan(`doCmd ${name}`, { attributes: { 'bpm_webhooks.command.name': name } }, async (span) => {
    const reply = await run();
    if (!reply.isSuccessful) markFailed(span, 'failed');
    return reply;
  });
}

/**
 * A forward's HTTP request (a `client` span); `run` gets the span's `traceparent` (and `tracestate`)
 * to send, so the target's own spans are its children (none when tracing is off).
 */
export function inForwardSpan<T extends { readonly status: number }>(
  url: URL,
  run: (traceHeaders: Readonly<Record<string, string>>) => Promise<T>,
): Promise<T> {
  if (!activeTracing()) return run({});
  // The host and port only: a URL's path or query may carry a partner's credential.
  const attributes: Attributes = {
    'http.request.method': 'POST',
    'server.address': url.hostname,
    'server.port': Number(url.port) || (url.protocol === 'https:' ? 443 : 80),
  };
  return inChildSpan(`POST ${url.hostname}`, { kind: SpanKind.CLIENT, attributes }, async (span) => {
    const tracing = activeTracing();
    const response = await run(tracing ? traceHeadersOf(tracing, span) : {});
    span.setAttribute('http.response.status_code', response.status);
    if (response.status < 200 || response.status > 299) markFailed(span, String(response.status));
    return response;
  });
}

/** A process instance started, signalled or moved by a correlated message. */
export function inProcessInstanceSpan<T extends { readonly id: number; readonly status: string }>(
  action: 'start' | 'signal' | 'correlate',
  attributes: Attributes,
  run: () => Promise<T>,
): Promise<T> {
  if (!activeTracing()) return run();
  return inChildSpan(`process instance ${action}`, { attributes }, async (span) => {
    const instance = await run();
    span.setAttribute('bpm_webhooks.process.instance_id', instance.id);
    span.setAttribute('bpm_webhooks.process.status', instance.status);
    if (instance.status === 'ERROR') markFailed(span, 'process_error');
    return instance;
  });
}

function noteSuccess<T extends { readonly success: boolean }>(span: Span, outcome: T): T {
  span.setAttribute('bpm_webhooks.outcome', outcome.success ? 'succeeded' : 'failed');
  if (!outcome.success) markFailed(span, 'failed');
  return outcome;
}
