/** The limits a script host starts with; the same for every run it takes. */
export interface HostLimits {
  readonly memoryMb: number;
  /** Isolates kept warm, i.e. runs at the same time in this host (nested runs take temporary ones). */
  readonly isolates: number;
  readonly maxLogLines: number;
  readonly maxLogLineChars: number;
  readonly maxResultBytes: number;
}

/** One script run. */
export interface RunMessage {
  readonly t: 'run';
  readonly id: number;
  readonly cacheKey: string;
  readonly code: string;
  readonly input: string;
  /** Counted from `sentAt`: time spent in the channel or queued in the host is part of it. */
  readonly timeoutMs: number;
  /** When the service sent the run, on the monotonic clock the service and its hosts share (monotonic-clock.ts). */
  readonly sentAt: number;
  readonly nested: boolean;
}

/** Service → host. Payloads are JSON strings; one `run` and one `done` per run, plus one pair per doCmd. */
export type ToHost =
  | RunMessage
  | { readonly t: 'cmd-reply'; readonly id: number; readonly json: string }
  | { readonly t: 'cancel'; readonly id: number };

/** What the service writes to a host's channel at once: every message of one turn of its event loop. */
export type ToHostBatch = readonly ToHost[];

/** Why a run ended without a reply from the sandbox. */
export type HostFailure = 'timeout' | 'memory' | 'cancelled' | 'error';

/** Host → service. */
export type FromHost =
  | { readonly t: 'ready' }
  | { readonly t: 'cmd'; readonly id: number; readonly name: string; readonly json: string }
  | { readonly t: 'done'; readonly id: number; readonly reply: string }
  | { readonly t: 'failed'; readonly id: number; readonly failure: HostFailure; readonly message: string };
