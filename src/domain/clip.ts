/** Echoes user input into messages without letting a 10,000-character value flood them. */
export function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
