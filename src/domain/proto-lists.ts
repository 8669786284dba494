import type { DescEnum } from '@bufbuild/protobuf';
import {
  EventStatusSchema,
  type EventStatus as EventStatusValue,
  ExecutionTypeSchema,
  type ExecutionType as ExecutionTypeValue,
  VerificationSchemeSchema,
  type VerificationScheme as VerificationSchemeValue,
} from '../../gen/bpm/webhooks/v1/enums_pb.js';

/*
 * The closed lists of proto/bpm/webhooks/v1/enums.proto in the spellings the wire has always used.
 * Each is read from the generated descriptor at run time and from the generated enum's keys at
 * compile time, by the same spelling rule, so a value added to the proto reaches the server's
 * validation, its types and the console (which imports this file) with no list written by hand.
 */

type Named<E> = Exclude<keyof E, 'UNSPECIFIED'> & string;
type Kebab<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Lowercase<Head>}-${Kebab<Tail>}` : Lowercase<S>;
type Pascal<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Capitalize<Lowercase<Head>>}${Pascal<Tail>}`
  : Capitalize<Lowercase<S>>;

/** Where an event is in its life, as WebhookEvent.status spells it ("queued", ..., "stored"). */
export type EventStatus = Lowercase<Named<typeof EventStatusValue>>;
/** Every event status, in the enum's order. */
export const eventStatuses = spellings(EventStatusSchema, (name) => name.toLowerCase()) as readonly EventStatus[];

/** A scheme a configuration may name in its verification, as Verification.scheme spells it ("hmac-sha256"). */
export type ConfigurableScheme = Kebab<Named<typeof VerificationSchemeValue>>;
/** Every scheme a configuration may name, in the enum's order. */
export const configurableSchemes = spellings(VerificationSchemeSchema, (name) =>
  name.toLowerCase().replaceAll('_', '-'),
) as readonly ConfigurableScheme[];

/** An execution type's documented name ("ExecuteNativeCommand"), the CLI's and the metrics' word for it. */
export type ExecutionTypeName = Pascal<Named<typeof ExecutionTypeValue>>;
/** Every execution type with its legacy number (WebHookConfig.execution_type), in number order. */
export const executionTypeList: readonly { readonly name: ExecutionTypeName; readonly code: number }[] =
  ExecutionTypeSchema.values.map((value) => ({ name: pascal(value.localName) as ExecutionTypeName, code: value.number }));

/** The spelling of every value but the zero "unspecified" one. */
function spellings(schema: DescEnum, spell: (localName: string) => string): string[] {
  return schema.values.filter((value) => value.localName !== 'UNSPECIFIED').map((value) => spell(value.localName));
}

function pascal(localName: string): string {
  return localName
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}
