/** The body as a reader wants it: JSON indented, a form one field a line, XML one element a line; else as received. */
export function prettyBody(body: string, contentType: string): string {
  const type = contentType.toLowerCase();
  if (type.includes('json')) return prettyJson(body);
  if (type.includes('x-www-form-urlencoded')) return prettyForm(body);
  if (type.includes('xml')) return prettyXml(body);
  return body;
}

function prettyJson(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function prettyForm(body: string): string {
  return [...new URLSearchParams(body)].map(([name, value]) => `${name} = ${value}`).join('\n');
}

/** Indents by nesting depth; text stays on its element's line. Not a parser: a malformed body only indents oddly. */
function prettyXml(body: string): string {
  const tokens = body.replace(/>\s+</g, '><').split(/(?=<)|(?<=>)/);
  const lines: string[] = [];
  let depth = 0;
  for (const token of tokens) {
    if (!token.trim()) continue;
    const closing = token.startsWith('</');
    const opening =
      token.startsWith('<') && !closing && !token.startsWith('<?') && !token.startsWith('<!') && !token.endsWith('/>');
    if (closing) depth = Math.max(0, depth - 1);
    const last = lines.length - 1;
    // `<a>text</a>` stays on one line.
    if (closing && last >= 0 && !lines[last]!.trimStart().startsWith('<')) {
      lines[last - 1] += lines.pop()!.trim() + token;
      continue;
    }
    if (!token.startsWith('<') && last >= 0) {
      lines.push(token);
      continue;
    }
    lines.push('  '.repeat(depth) + token);
    if (opening) depth += 1;
  }
  return lines.join('\n');
}
