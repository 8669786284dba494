import { describe, expect, it } from 'vitest';
import { checkScript } from '../../src/executors/script/check-script.js';

const refusal = (code: string) => {
  const checked = checkScript(code);
  return checked.ok ? undefined : checked.problem;
};

describe('the script checker', () => {
  it.each([
    ['a string with an HTML comment', 'const html = "<p><!-- note --></p>"; return html;'],
    ['a string naming import(...)', 'return "see import(x) docs";'],
    ['a string naming eval(...)', 'return "never eval(body)";'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the script's own template literal
    ['a template with all three', 'return `<!-- ${body.n} --> import (a) eval(b)`;'],
    ['a regular expression', 'return /<!--(.*)-->/.test(body.html);'],
    ['comments', '// see import(x) and eval(y)\n/* <!-- --> */ return 1;'],
    ['the "goes to" idiom', 'let i = 3; let n = 0; while (i --> 0) n++; return n;'],
    ['a method named import', 'const o = { import() { return 1; } }; return o. import();'],
    ['an indirect eval', 'return (0, eval)("1 + 1");'],
  ])('accepts %s', (_name, code) => {
    expect(refusal(code)).toBeUndefined();
  });

  it('keeps every value: only escapes are added, where SES would take data for code', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the script's own template literal
    const checked = checkScript('const html = "<p><!-- note --></p>"; return `import(${html})`;');
    expect(checked).toEqual({
      ok: true,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the script's own template literal
      source: 'const html = "<p><\\x21-- note --\\x3e</p>"; return `impor\\x74(${html})`;',
    });
  });

  it.each([
    [
      'direct eval',
      'const a = 1;\nreturn eval("a");',
      /^direct eval\(\.\.\.\) \[executionCode:2:8\] is refused: .*indirect eval/,
    ],
    ['a parenthesised direct eval', 'return (eval)("1");', /^direct eval\(\.\.\.\) \[executionCode:1:8\] is refused/],
    [
      'dynamic import',
      'const m = import("node:fs");',
      /^dynamic import\(\.\.\.\) \[executionCode:1:11\] is refused: scripts load no modules/,
    ],
    ['an HTML open comment', 'const a = 1; <!-- note\nreturn a;', /^an HTML-like comment .* \[executionCode:1:14\] is refused/],
    ['an HTML close comment', 'const a = 1;\n--> note\nreturn a;', /^an HTML-like comment .* \[executionCode:2:1\] is refused/],
    [
      'a tagged template whose raw text would change',
      'return String.raw`<!--`;',
      /^a tagged template .* \[executionCode:1:19\] is refused/,
    ],
    [
      'strict-mode-only errors, as the sandbox compiles strict code',
      'with (body) {}',
      /^SyntaxError: Strict mode code may not include a with statement \[executionCode:1:1\]$/,
    ],
    ['a syntax error', 'const a = 1;\nreturn {', /^SyntaxError: .*\[executionCode:3:\d+\]$/],
    ['code that closes its function', '}); globalThis.x = 1; (function () {', /^SyntaxError: the code must be a function body$/],
  ])('refuses %s with its line and column', (_name, code, problem) => {
    expect(refusal(code)).toMatch(problem);
  });
});
