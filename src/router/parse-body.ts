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

const parsers = {
  json: (text) => JSON.parse(text) as JsonValue,
  form: (text) => {
    // Gathered in a Map: on a plain object, "constructor" would find the inherited function and
    // "__proto__" would set the prototype. Object.fromEntries then defines each as an own property.
    const fields = new Map<string, string | string[]>();
    for (const [name, value] of new URLSearchParams(text)) {
      const existing = fields.get(name);
      fields.set(name, existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value]);
    }
    return Object.fromEntries(fields) as JsonObject;
  },
  text: (text) => text,
} satisfies Record<BodyFormat, (text: string) => JsonValue>;

/** The body as executors see it: JSON as is, form fields as an object, text as a string, nothing as null. */
export function parseBody(format: BodyFormat, raw: Buffer): { ok: true; body: JsonValue } | { ok: false; error: string } {
  if (raw.length === 0) return { ok: true, body: null };
  try {
    return { ok: true, body: parsers[format](raw.toString('utf8')) };
  } catch (error) {
    return { ok: false, error: `The body is not valid JSON: ${(error as Error).message}` };
  }
}
