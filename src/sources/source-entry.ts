import type { VerificationScheme } from '../router/verification/verifiers.js';

/** How a source signs its webhooks: a scheme of the verifier catalog and its parameters. */
export interface SourceVerification {
  readonly scheme: VerificationScheme;
  /** The header the credential is read from (lower-case); empty where the scheme names its own headers. */
  readonly header: string;
  /** Text before the signature in the header, e.g. `sha256=`. */
  readonly prefix: string;
  readonly encoding: 'hex' | 'base64' | '';
  /** Signed timestamps older or newer than this are refused; null where nothing is timestamped. */
  readonly toleranceSeconds: number | null;
  /** The algorithm and what is signed, as the provider documents it (for the catalog query and docs). */
  readonly signs: string;
}

/**
 * One sender a configuration can name with `source`: everything an integration engineer would
 * otherwise read in the provider's docs. Data only; the inbox applies it (router-source.ts).
 * Where the provider documents nothing, the field says so (`gaps`) instead of guessing.
 */
export interface SourceEntry {
  /** The provider's own name, for people. */
  readonly title: string;
  /** What the operator pastes as the configuration's secret, and where the provider shows it. */
  readonly secret: string;
  /** Null: the provider signs nothing (trust comes from the caller's address or a URL token). */
  readonly verification: SourceVerification | null;
  /**
   * The provider's event or transaction id, as `header:<name>` or `body:<json-pointer>` parts joined
   * with `|` in the key (e.g. event name and object id where the provider has no event id). Empty:
   * none is documented, and a request is deduplicated on the SHA-256 of its raw body.
   */
  readonly dedupKey: readonly string[];
  /** Where the event's type is: `header:<name>` or `body:<json-pointer>`; null when there is none. */
  readonly eventType: string | null;
  /** The provider's documented caller addresses (comma-separated, CIDR allowed): the default allow-list. Empty: none published. */
  readonly callerIps: string;
  /** The answer the provider expects, and what it does otherwise. */
  readonly answer: string;
  /** A fixed endpoint that serves it without a configuration (Mono, Remita), else undefined. */
  readonly fixedPath?: string;
  /** The provider's documentation or official SDK file each detail was taken from. */
  readonly citations: readonly string[];
  /** Details the provider does not publish, said rather than guessed. */
  readonly gaps: readonly string[];
}
