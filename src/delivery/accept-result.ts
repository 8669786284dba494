import type { JsonValue } from '@bufbuild/protobuf';
import type { DirectHttpResponse } from '../domain/webhook-event.js';

/** What accepting an event can come to. */
export type AcceptResult =
  | { readonly kind: 'accepted'; readonly eventId: number; readonly repeated: boolean }
  | { readonly kind: 'in_progress'; readonly eventId: number }
  /** A sync event that ran, whose outcome could not be stored yet: the same idempotency key will answer it. */
  | { readonly kind: 'unsettled'; readonly eventId: number }
  | {
      readonly kind: 'succeeded';
      readonly eventId: number;
      readonly repeated: boolean;
      readonly data: JsonValue;
      readonly httpResponse: DirectHttpResponse | null;
    }
  | { readonly kind: 'failed'; readonly eventId: number; readonly repeated: boolean; readonly errors: readonly string[] };
