import type { AcceptResult } from './accept-result.js';

/** A request refused before anything was accepted; each edge answers these alike (send-refusal.ts). */
export type InboxRefusal =
  | { readonly kind: 'not_found' }
  | { readonly kind: 'method_not_allowed'; readonly allow: readonly string[] }
  /** The source is not set up on this service (e.g. MONO_WEBHOOK_SECRET is unset). */
  | { readonly kind: 'not_configured'; readonly reason: string }
  | { readonly kind: 'forbidden' }
  | { readonly kind: 'unauthorized' }
  | { readonly kind: 'unsupported_media_type'; readonly mediaType: string }
  | { readonly kind: 'too_large' }
  | { readonly kind: 'aborted' }
  | { readonly kind: 'invalid_body'; readonly error: string }
  /** The store is down: nothing was stored or acknowledged. */
  | { readonly kind: 'unavailable' };

/**
 * Everything a webhook can come to, whatever its source: refused, or received as one accepted event
 * per notification it carries (the router's requests carry one, a Remita array several), each with
 * its accept outcome. Each edge maps this to its answer in one exhaustive switch.
 */
export type InboxResult =
  | InboxRefusal
  | { readonly kind: 'received'; readonly outcomes: readonly [AcceptResult, ...AcceptResult[]] };
