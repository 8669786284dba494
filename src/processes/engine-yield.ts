import type { Extension } from 'bpmn-elements';

interface EngineMessage {
  readonly fields: { readonly routingKey?: string; readonly redelivered?: boolean };
  readonly content: { readonly executionId: string };
  readonly properties: { readonly type?: string };
}

interface Behaviour {
  execute(message: EngineMessage): unknown;
}

interface YieldingActivity {
  Behaviour: new (activity: YieldingActivity, context: unknown) => Behaviour;
  readonly broker: {
    subscribeTmp(
      exchange: string,
      pattern: string,
      handler: (routingKey: string, message: EngineMessage) => void,
      options: { noAck: boolean; consumerTag: string },
    ): void;
    cancel(consumerTag: string): void;
    publish(exchange: string, routingKey: string, content: object): void;
  };
}

/** The extension that makes bpmn-engine yield, and the switch that drops what it still holds once the run is over. */
export interface EngineYield {
  readonly extension: Extension;
  /** The run has settled: a held execution never starts. */
  halt(): void;
  /** Whether an execution is held for the next turn: the run is working, not waiting. */
  holding(): boolean;
}

/**
 * Makes bpmn-engine give the event loop back between steps. The engine runs every element that
 * does not wait for I/O in one synchronous stretch (a cycle of plain tasks, a multi-instance task of
 * 100,000 iterations): only the step budget ended it, seconds later on a loaded machine, and /healthz
 * and every webhook waited meanwhile. Once the run has worked `sliceMs` in the current turn, each
 * execution it starts (an activity's, or one iteration of a loop) is held and started in the next
 * turn (setImmediate), as an asynchronous service task would complete it. The engine offers no hook
 * between iterations (step mode and async formatting act only on an activity's run), so each
 * activity's behaviour is wrapped. A held execution that is stopped or discarded meanwhile is
 * dropped, as bpmn-engine's own service task does; one redelivered when a stored state is resumed
 * starts at once, so a signal sent right after the resume finds its task listening. Failures of a
 * held execution (the step budget's among them) go to `onError`: the run's failure.
 */
export function createEngineYield(onError: (error: unknown) => void, sliceMs: number): EngineYield {
  let sliceStartedAt: number | undefined;
  let halted = false;
  let held = 0;
  /** Whether this turn's share is spent; the first call in a turn starts it. */
  const spent = () => {
    const now = performance.now();
    if (sliceStartedAt === undefined) {
      sliceStartedAt = now;
      setImmediate(() => {
        sliceStartedAt = undefined;
      });
    }
    return now - sliceStartedAt >= sliceMs;
  };
  const extension = (activity: YieldingActivity) => {
    const Original = activity.Behaviour;
    const { broker } = activity;
    activity.Behaviour = function YieldingBehaviour(owner: YieldingActivity, context: unknown) {
      const behaviour = new Original(owner, context);
      const execute = behaviour.execute.bind(behaviour);
      behaviour.execute = (message) => {
        const fresh = message.fields.routingKey === 'execute.start' && !message.fields.redelivered;
        if (!fresh || !spent()) return execute(message);
        const { executionId } = message.content;
        const consumerTag = `_yield-${executionId}`;
        let dropped = false;
        broker.subscribeTmp(
          'api',
          `activity.#.${executionId}`,
          (_routingKey, api) => {
            if (api.properties.type !== 'stop' && api.properties.type !== 'discard') return;
            dropped = true;
            broker.cancel(consumerTag);
          },
          { noAck: true, consumerTag },
        );
        held += 1;
        setImmediate(() => {
          held -= 1;
          broker.cancel(consumerTag);
          if (dropped || halted) return;
          try {
            execute(message);
          } catch (error) {
            // As bpmn-engine does for an execution it starts itself: the activity fails, a boundary error event may catch it.
            publishFailure(activity, message, error, onError);
          }
        });
        return undefined;
      };
      return behaviour;
    } as unknown as YieldingActivity['Behaviour'];
    return undefined;
  };
  return {
    extension: extension as unknown as Extension,
    halt: () => {
      halted = true;
    },
    holding: () => held > 0,
  };
}

function publishFailure(
  activity: YieldingActivity,
  message: EngineMessage,
  error: unknown,
  onError: (error: unknown) => void,
): void {
  try {
    activity.broker.publish('execution', 'execute.error', { ...message.content, error });
  } catch (failure) {
    // The step budget throws out of the engine: the run ends with its reason.
    onError(failure);
  }
}
