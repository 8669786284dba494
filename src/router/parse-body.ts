import type { JsonObject, JsonValue } from '@bufbuild/protobuf';

/** How a body is read: JSON, form fields, or text passed through (plain text, XML). */
export type BodyFormat = 'json' | 'form' | 'text';

/** The body format of a media type (lower-case, without parameters); undefined when unsupported (415). */
export function bodyFormatOf(mediaType: string): BodyFormat | undefined {
  if (mediaType === 'application/json' || /^application\/[\w.+-]+\+json$/.test(mediaType)) return 'json';
  if (mediaType === 'application/x-www-form-urlencoded') return 'form';
  if (mediaType === '' || mediaType.startsWith('text/')) return 'text';
  if (mediaType === 'application/xml' || /^application\/[\w.+-]+\+xml$/.test(mediaType)) return 'text';
  return undefined;
}

/** Form bodies with more fields than this are refused (400): a webhook form carries tens, not thousands. */
export const maxFormFields = 1_000;

type Parsed = { ok: true; body: JsonValue } | { ok: false; error: string };

const parsers = {
  json: (text) => ({ ok: true, body: JSON.parse(text) as JsonValue }),
  form: parseForm,
  text: (text) => ({ ok: true, body: text }),
} satisfies Record<BodyFormat, (text: string) => Parsed>;

/** The body as executors see it: JSON as is, form fields as an object, text as a string, nothing as null. */
export function parseBody(format: BodyFormat, raw: Buffer): Parsed {
  if (raw.length === 0) return { ok: true, body: null };
  try {
    return parsers[format](raw.toString('utf8'));
  } catch (error) {
    return { ok: false, error: `The body is not valid JSON: ${(error as Error).message}` };
  }
}

/** Form fields as an object, a repeated name as an array; linear in the body's length. */
function parseForm(text: string): Parsed {
  if (countFormFields(text, maxFormFields + 1) > maxFormFields) {
    return { ok: false, error: `The form has more than ${maxFormFields} fields` };
  }
  // Gathered in a Map: on a plain object, "constructor" would find the inherited function and
  // "__proto__" would set the prototype. Object.fromEntries then defines each as an own property.
  const fields = new Map<string, string | string[]>();
  for (const [name, value] of new URLSearchParams(text)) {
    const existing = fields.get(name);
    if (existing === undefined) fields.set(name, value);
    else if (Array.isArray(existing)) existing.push(value);
    else fields.set(name, [existing, value]);
  }
  return { ok: true, body: Object.fromEntries(fields) as JsonObject };
}

/** The fields URLSearchParams will find (empty pieces between `&`s are none), counted no further than `stopAt`. */
function countFormFields(text: string, stopAt: number): number {
  let count = 0;
  for (let start = 0; start <= text.length && count < stopAt; ) {
    const end = text.indexOf('&', start);
    const stop = end === -1 ? text.length : end;
    if (stop > start) count += 1;
    start = stop + 1;
  }
  return count;
}
