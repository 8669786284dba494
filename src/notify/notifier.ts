import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { NotifySettings } from '../config/notify-config.js';
import { countFailuresByConfig, type FailureCounts } from '../store/failure-counts-by-config.js';
import { findLastReceivedByConfig } from '../store/last-received-by-config.js';
import { findEnabledConfigIds } from '../store/enabled-config-ids.js';
import { findSuccessSince } from '../store/find-success-since.js';
import {
  closeCondition,
  listOpenConditions,
  openCondition,
  releaseUnsentCondition,
  takeUnsentCondition,
  type NotificationCondition,
} from '../store/notification-conditions.js';
import { clearedText, consoleLinks, openedText } from './notification-text.js';
import type { SendNotification } from './send-notification.js';

export interface NotifierDeps {
  readonly db: Knex;
  readonly log: Logger;
  readonly clock: () => Date;
  readonly settings: NotifySettings;
  readonly send: SendNotification;
}

/** An event that ran out of attempts, as the worker saw it settle. */
export interface DeadEvent {
  readonly id: number;
  readonly configId: number | null;
  readonly configKey: string;
}

/** Tells NOTIFY_WEBHOOK_URL when a configuration's events die, fail too often, or stop coming, and when that clears. */
export interface Notifier {
  /** Called as an event goes dead: opens the configuration's `dead` condition (a message only when it was not open). */
  eventWentDead(event: DeadEvent): Promise<void>;
  /** One evaluation: failure ratios, silences, dead letters recovered, messages still unsent. */
  check(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
}

/**
 * Conditions live in the store (notification_conditions), so every process on the database may
 * evaluate them and still one message goes out per condition and configuration: the INSERT that
 * opens a row, the UPDATE that takes its message and the DELETE that clears it each succeed for one
 * process only. A message whose send failed is given back and retried by the next check; a process
 * killed between taking and sending loses that one message (at most once, never twice).
 */
export function createNotifier(deps: NotifierDeps): Notifier {
  const { db, log, clock, settings } = deps;
  const links = consoleLinks(settings.publicUrl);
  const sentAt: number[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  /** The per-process cap: at most maxPerMinute messages in any minute; the rest wait for a later check. */
  const mayAnnounce = () => {
    const now = Date.now();
    while (sentAt.length > 0 && sentAt[0]! <= now - 60_000) sentAt.shift();
    return sentAt.length < settings.maxPerMinute;
  };

  const announce = async (id: Pick<NotificationCondition, 'configKey' | 'condition'>) => {
    if (!mayAnnounce()) return;
    const condition = await takeUnsentCondition(db, id, clock());
    if (!condition) return;
    sentAt.push(Date.now());
    try {
      await deps.send(openedText(condition, links));
      log.info({ configKey: condition.configKey, condition: condition.condition }, 'notification sent');
    } catch (error) {
      log.warn(
        { err: error, configKey: condition.configKey, condition: condition.condition },
        'notification not sent; retried at the next check',
      );
      await releaseUnsentCondition(db, id);
    }
  };

  const open = async (condition: Omit<NotificationCondition, 'notifiedAt' | 'occurrences'>) => {
    if (await openCondition(db, condition)) await announce(condition);
  };

  const clear = async (open: NotificationCondition, why: string) => {
    const closed = await closeCondition(db, open);
    // Only a condition that was announced is announced as cleared.
    if (!closed?.notifiedAt) return;
    sentAt.push(Date.now());
    await deps.send(clearedText(closed, why, links)).catch((error: unknown) => {
      log.warn({ err: error, configKey: closed.configKey, condition: closed.condition }, 'cleared notification not sent');
    });
  };

  const checkFailureRatios = async (now: Date, opened: readonly NotificationCondition[]) => {
    const counts = await countFailuresByConfig(db, new Date(now.getTime() - settings.failureWindowMs));
    const detail = (c: FailureCounts) => {
      const failing = c.failed + c.retrying;
      const total = c.succeeded + failing;
      return { failing, total, windowMinutes: settings.failureWindowMs / 60_000, thresholdPercent: settings.failureRatio * 100 };
    };
    for (const c of counts) {
      const { failing, total, ...rest } = detail(c);
      if (total >= settings.failureMinEvents && failing / total >= settings.failureRatio)
        await open({
          configKey: c.configKey,
          condition: 'failure_ratio',
          configId: c.configId,
          openedAt: now,
          detail: { failing, total, ...rest },
        });
    }
    for (const condition of opened.filter((o) => o.condition === 'failure_ratio')) {
      const c = counts.find((count) => count.configKey === condition.configKey);
      const current = c ? detail(c) : { failing: 0, total: 0 };
      if (current.total === 0 || current.failing / current.total < settings.failureRatio)
        await clear(
          condition,
          `${current.failing} of ${current.total} events failed in the last ${settings.failureWindowMs / 60_000} minutes`,
        );
    }
  };

  const checkSilences = async (now: Date, opened: readonly NotificationCondition[]) => {
    const expected = settings.expectedIntervalsMs;
    const seen = expected.size === 0 ? [] : await findLastReceivedByConfig(db, [...expected.keys()]);
    for (const config of seen) {
      const expectedMs = expected.get(config.configKey.toLowerCase())!;
      const since = config.lastReceivedAt ?? config.createdAt;
      const silentMs = now.getTime() - since.getTime();
      const detail = {
        silentMinutes: Math.floor(silentMs / 60_000),
        expectedMinutes: expectedMs / 60_000,
        since: since.toISOString(),
      };
      if (silentMs > expectedMs)
        await open({ configKey: config.configKey, condition: 'silent', configId: config.configId, openedAt: now, detail });
    }
    for (const condition of opened.filter((o) => o.condition === 'silent')) {
      const config = seen.find((c) => c.configKey === condition.configKey);
      if (!config) await clear(condition, 'the configuration is disabled, deleted or no longer expected to speak');
      else if (
        config.lastReceivedAt &&
        now.getTime() - config.lastReceivedAt.getTime() <= expected.get(config.configKey.toLowerCase())!
      )
        await clear(condition, `an event arrived at ${config.lastReceivedAt.toISOString()}`);
    }
  };

  const checkDeadLetters = async (opened: readonly NotificationCondition[]) => {
    for (const condition of opened.filter((o) => o.condition === 'dead' && o.configId !== null)) {
      const eventId = await findSuccessSince(db, condition.configId!, condition.openedAt);
      if (eventId !== undefined) await clear(condition, `event ${eventId}, received since, succeeded`);
    }
  };

  /**
   * A configuration disabled or deleted cannot recover, and a new one may take its key: its open
   * conditions clear, or the key's next failures would never be announced.
   */
  const clearGoneConfigs = async (opened: readonly NotificationCondition[]) => {
    if (opened.length === 0) return [];
    const enabled = await findEnabledConfigIds(db);
    const gone = opened.filter((condition) => condition.configId === null || !enabled.has(condition.configId));
    for (const condition of gone) await clear(condition, 'the configuration was disabled or deleted');
    return opened.filter((condition) => !gone.includes(condition));
  };

  const checkOnce = async () => {
    const now = clock();
    const opened = await clearGoneConfigs(await listOpenConditions(db));
    // First the messages an earlier check could not send (so a failed send waits one interval).
    for (const unsent of opened.filter((condition) => condition.notifiedAt === null)) await announce(unsent);
    await checkFailureRatios(now, opened);
    await checkSilences(now, opened);
    await checkDeadLetters(opened);
  };

  const check = () => {
    // One evaluation at a time in a process: a slow store must not pile them up.
    running ??= checkOnce().finally(() => (running = undefined));
    return running;
  };

  return {
    async eventWentDead(event) {
      await open({
        configKey: event.configKey,
        condition: 'dead',
        configId: event.configId,
        openedAt: clock(),
        detail: { eventId: event.id },
      });
    },
    check,
    start() {
      timer ??= setInterval(() => {
        check().catch((error: unknown) => log.warn({ err: error }, 'cannot evaluate the notification conditions'));
      }, settings.checkIntervalMs);
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await running?.catch(() => {});
    },
  };
}
