/**
 * Sequence flow conditions written as `${...}`: the expression inside is JavaScript, evaluated in the
 * script sandbox against the process variables (see docs/processes.md for the table). One check, run
 * at deploy and again before a stored definition's condition runs, refuses what would be silently
 * wrong: another expression language, statements, side effects.
 */

export type CheckedCondition = { readonly expression: string } | { readonly problem: string };

const wholeExpression = /^\$\{([\s\S]*)\}$/;
/** JUEL's `prefix:function(` (`fn:contains(`), outside strings. */
const juelFunction = /\b[A-Za-z_]\w*:[A-Za-z_]\w*\s*\(/;

/** The JavaScript expression of a `${...}` condition body, or why it cannot run. */
export function checkConditionBody(body: string): CheckedCondition {
  const text = body.trim();
  if (text.startsWith('='))
    return { problem: `"${text}" is FEEL, which this service does not run; write \${...} with JavaScript` };
  if (text.startsWith('#{')) return { problem: `"${text}" is a deferred JUEL expression; write \${...} with JavaScript` };
  const inner = wholeExpression.exec(text)?.[1]?.trim();
  if (inner === undefined || inner === '') {
    return { problem: `"${text}" is not a \${...} expression (or give the condition language="javascript")` };
  }
  const code = withoutStrings(inner);
  if (code === undefined) return { problem: `"${text}" has an unterminated string` };
  if (juelFunction.test(code)) return { problem: `"${text}" calls a JUEL function, which this service does not run` };
  const structural = structuralProblem(code);
  if (structural) return { problem: `"${text}" ${structural}` };
  try {
    new Function(`"use strict"; return (${inner}\n);`);
  } catch (error) {
    return { problem: `"${text}" is not a JavaScript expression: ${error instanceof Error ? error.message : error}` };
  }
  return { expression: inner };
}

/** The code with every string literal emptied (`'a;b'` becomes `''`), or undefined when one never ends. */
export function withoutStrings(code: string): string | undefined {
  let result = '';
  for (let index = 0; index < code.length; index += 1) {
    const char = code[index] as string;
    result += char;
    if (char !== '"' && char !== "'") continue;
    const end = closingQuote(code, index);
    if (end === -1) return undefined;
    result += char;
    index = end;
  }
  return result;
}

function closingQuote(code: string, start: number): number {
  for (let index = start + 1; index < code.length; index += 1) {
    if (code[index] === '\\') index += 1;
    else if (code[index] === code[start]) return index;
  }
  return -1;
}

/** An expression, not statements: balanced brackets, no `;`, blocks, templates, functions or commands. */
function structuralProblem(code: string): string | undefined {
  if (/[;{}`]|=>|\bfunction\b|\bdoCmd\b|\bimport\b|\beval\b/.test(code)) {
    return 'is not a single expression (no ;, braces, templates, functions or commands)';
  }
  let depth = 0;
  for (const char of code) {
    if (char === '(' || char === '[') depth += 1;
    if (char === ')' || char === ']') depth -= 1;
    if (depth < 0) return 'has unbalanced brackets';
  }
  return depth === 0 ? undefined : 'has unbalanced brackets';
}
