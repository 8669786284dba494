import { pino } from 'pino';

/** Quiet unless TEST_LOG_LEVEL says otherwise. */
export const silentLog = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
