import type { Engine } from 'bpmn-engine';

/** A BPMN error an error end event threw: the `errorRef` error's name and `errorCode`, when it has them. */
export interface ThrownError {
  readonly activityId: string;
  readonly name?: string;
  readonly code?: string;
}

interface EngineEventContent {
  readonly id: string;
  readonly type: string;
  readonly message?: { readonly name?: unknown; readonly code?: unknown };
  /** On a catch: the element whose error a boundary error event caught. */
  readonly source?: { readonly id?: string };
  readonly error?: unknown;
}

/**
 * Follows the BPMN errors a run throws and does not catch. bpmn-engine completes a process that
 * ends at an error end event; the service ends it in ERROR instead, so a call activity waiting for
 * it fails with the error's code.
 */
export function followUncaughtErrors(broker: Engine['broker']): { readonly uncaught: () => ThrownError | undefined } {
  let uncaught: ThrownError | undefined;
  // A boundary error event's catch is published before the throw it catches.
  const caughtThrowers = new Set<string>();
  broker.subscribeTmp(
    'event',
    'activity.catch',
    (_routingKey, message) => {
      const content = message.content as EngineEventContent;
      if (content.error !== undefined && content.source?.id) caughtThrowers.add(content.source.id);
    },
    { noAck: true },
  );
  broker.subscribeTmp(
    'event',
    'activity.throw',
    (_routingKey, message) => {
      const content = message.content as EngineEventContent;
      if (content.type !== 'bpmn:ErrorEventDefinition' || caughtThrowers.delete(content.id)) return;
      uncaught = thrownErrorOf(content);
    },
    { noAck: true },
  );
  return { uncaught: () => uncaught };
}

const codeInSentence = /^Error end event ".*" threw .* with error code "([^"]*)"$/;

/** Why an instance ends in ERROR at an uncaught error end event; {@link thrownErrorCode} reads the code back. */
export function uncaughtErrorSentence(error: ThrownError): string {
  const what = error.name ? `error "${error.name}"` : 'an error';
  const code = error.code ? ` with error code "${error.code}"` : '';
  return `Error end event "${error.activityId}" threw ${what}${code}`;
}

/**
 * The error code an instance that ended at an uncaught error end event threw, read from its errors:
 * the stored sentence is where the code lives (an instance has no column of its own for it).
 */
export function thrownErrorCode(errors: readonly string[]): string | undefined {
  for (const error of errors) {
    const code = codeInSentence.exec(error)?.[1];
    if (code !== undefined) return code;
  }
  return undefined;
}

function thrownErrorOf(content: EngineEventContent): ThrownError {
  const { name, code } = content.message ?? {};
  return {
    activityId: content.id,
    ...(typeof name === 'string' && name !== '' && { name }),
    ...((typeof code === 'string' || typeof code === 'number') && `${code}` !== '' && { code: `${code}` }),
  };
}
