/** The longest text a body search takes: a search, not a way to scan with megabyte patterns. */
export const maxBodyContainsChars = 200;

/**
 * The bytes an event's raw body must contain, from the `bodyContains` text (its UTF-8 encoding,
 * compared byte for byte, so case-sensitive); undefined when empty.
 */
export function parseBodyContains(text: string): { bytes?: Buffer; problems: string[] } {
  if (text === '') return { problems: [] };
  // Characters as people count them (code points), not UTF-16 units.
  if ([...text].length > maxBodyContainsChars) {
    return { problems: [`bodyContains must be at most ${maxBodyContainsChars} characters`] };
  }
  return { bytes: Buffer.from(text, 'utf8'), problems: [] };
}
