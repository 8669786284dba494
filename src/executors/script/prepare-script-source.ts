import { getLineInfo, parse, type Comment, type Node, type Token } from 'acorn';
import { scriptFileName, scriptWrapperHead, scriptWrapperTail } from './script-wrapper.js';

/** A script body as the sandbox will compile it, or the sentence saying why the sandbox refuses it. */
export type PreparedScript = { readonly ok: true; readonly source: string } | { readonly ok: false; readonly problem: string };

/** The compartment compiles strict code: the parser must read the body as strict too. */
const strictPrefix = "'use strict'; ";
const bodyStart = strictPrefix.length + scriptWrapperHead.length;

/**
 * What SES's source check rejects anywhere in the text (ses/src/transforms.js), data included: each
 * match is re-spelt where it is data, by escaping one character (`!`, `>`, `t`) so the value stays the
 * same; in code, `x-->0` gets a space (`x-- >0`) and a name ending in `import` an identifier escape.
 */
const sesPatterns = [
  { pattern: /<!--/g, at: 1, data: '\\x21', code: undefined },
  { pattern: /-->/g, at: 2, data: '\\x3e', code: ' >' },
  { pattern: /(?<=^|[^.]|\.\.\.)\bimport(?=\s*(?:\(|\/[/*]))/g, at: 5, data: '\\x74', code: '\\u0074' },
] as const;

const dataTokens = new Set(['string', 'template', 'invalidTemplate', 'regexp']);

/**
 * Parses a script body with acorn exactly as the sandbox compiles it (strict, inside its wrapper) and
 * refuses what the sandbox cannot run as written: direct `eval(...)`, dynamic `import(...)`, HTML-like
 * comments, and `<!--`, `-->` or `import(` in the raw text of a tagged template. Everything else is
 * data or plain code, re-spelt (never changed in value) so SES's textual check lets it through.
 */
export function prepareScriptSource(code: string): PreparedScript {
  const text = strictPrefix + scriptWrapperHead + code + scriptWrapperTail;
  const tokens: Token[] = [];
  const comments: Comment[] = [];
  let program: Node;
  try {
    program = parse(text, { ecmaVersion: 'latest', sourceType: 'script', onToken: tokens, onComment: comments });
  } catch (error) {
    const { message, pos } = error as SyntaxError & { pos?: number };
    const reason = message.replace(/ \(\d+:\d+\)$/, '');
    return refused(`SyntaxError: ${reason}${pos === undefined ? '' : ` ${place(code, pos - bodyStart)}`}`);
  }
  const nodes = [...nodesOf(program)];
  if (!isWholeBody(nodes, code)) return refused('SyntaxError: the code must be a function body');
  const refusal = firstRefusal(nodes, comments, code, text);
  if (refusal) return refused(refusal);

  const data = [...tokens.filter((token) => dataTokens.has(token.type.label)), ...comments]
    .map((range) => [range.start - bodyStart, range.end - bodyStart] as const)
    .filter(([start]) => start >= 0 && start < code.length);
  const tagged = nodes
    .filter((node) => node.type === 'TaggedTemplateExpression')
    .flatMap((node) => (node as unknown as { quasi: { quasis: Node[] } }).quasi.quasis)
    .map((quasi) => [quasi.start - bodyStart, quasi.end - bodyStart] as const);
  const edits: { index: number; text: string }[] = [];
  for (const { pattern, at, data: dataText, code: codeText } of sesPatterns) {
    for (const match of code.matchAll(pattern)) {
      const index = match.index + at;
      if (within(tagged, index)) {
        return refused(
          `a tagged template containing "<!--", "-->" or "import(" ${place(code, match.index)} is refused: the sandbox ` +
            'can only run that text escaped, which changes the raw text the tag receives; build it with a plain string',
        );
      }
      const replacement = within(data, index) ? dataText : codeText;
      if (replacement !== undefined) edits.push({ index, text: replacement });
    }
  }
  return { ok: true, source: applyEdits(code, edits) };
}

/** The first construct the sandbox refuses, in source order, as a sentence saying why. */
function firstRefusal(nodes: readonly Node[], comments: readonly Comment[], code: string, text: string): string | undefined {
  const found: { at: number; problem: (where: string) => string }[] = [];
  for (const node of nodes) {
    if (isDirectEval(node)) {
      found.push({
        at: node.start,
        problem: (where) =>
          `direct eval(...) ${where} is refused: in the sandbox it would run as an indirect eval that cannot ` +
          "see the script's variables; write the code itself (JSON.parse reads JSON)",
      });
    } else if (node.type === 'ImportExpression') {
      found.push({
        at: node.start,
        problem: (where) =>
          `dynamic import(...) ${where} is refused: scripts load no modules; ` +
          'what a script may use is context, body, doCmd and console',
      });
    }
  }
  for (const comment of comments) {
    if (text.startsWith('<!--', comment.start) || text.startsWith('-->', comment.start)) {
      found.push({
        at: comment.start,
        problem: (where) =>
          `an HTML-like comment ("<!--", or "-->" at the start of a line) ${where} is refused: the sandbox ` +
          'runs strict JavaScript without them; write // or /* */',
      });
    }
  }
  const first = found.sort((a, b) => a.at - b.at)[0];
  return first?.problem(place(code, first.at - bodyStart));
}

function isDirectEval(node: Node): boolean {
  if (node.type !== 'CallExpression') return false;
  const call = node as unknown as { optional: boolean; callee: { type: string; name?: string } };
  return !call.optional && call.callee.type === 'Identifier' && call.callee.name === 'eval';
}

/**
 * Whether the body parsed as the whole block of the wrapper's inner function: the block opened by
 * the head closes at the tail, so the code did not close it early (`}); (function () {`).
 */
function isWholeBody(nodes: readonly Node[], code: string): boolean {
  const opened = bodyStart - scriptWrapperHead.length + scriptWrapperHead.lastIndexOf('{');
  const closed = bodyStart + code.length + scriptWrapperTail.indexOf('}') + 1;
  return nodes.some((node) => node.type === 'BlockStatement' && node.start === opened && node.end === closed);
}

/** Every node of the tree, iteratively (a deeply nested script must not overflow the stack here). */
function* nodesOf(root: Node): Generator<Node> {
  const pending: Node[] = [root];
  for (let node = pending.pop(); node; node = pending.pop()) {
    yield node;
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) {
        for (const item of value) if (isNode(item)) pending.push(item);
      } else if (isNode(value)) pending.push(value);
    }
  }
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

function within(ranges: readonly (readonly [number, number])[], index: number): boolean {
  return ranges.some(([start, end]) => index >= start && index < end);
}

function applyEdits(code: string, edits: readonly { index: number; text: string }[]): string {
  // Most scripts need none: the sandbox's memo then holds one copy of the text, not two.
  if (edits.length === 0) return code;
  let source = '';
  let from = 0;
  for (const edit of [...edits].sort((a, b) => a.index - b.index)) {
    // Each edit replaces one character: with its escape, or `>` with ` >`.
    source += code.slice(from, edit.index) + edit.text;
    from = edit.index + 1;
  }
  return source + code.slice(from);
}

/** `[executionCode:line:column]`, 1-based like V8's compile errors. */
function place(code: string, index: number): string {
  const { line, column } = getLineInfo(code, Math.max(0, Math.min(index, code.length)));
  return `[${scriptFileName}:${line}:${column + 1}]`;
}

function refused(problem: string): PreparedScript {
  return { ok: false, problem };
}
