import { describe, expect, it } from 'vitest';
import { maxFormFields, parseBody } from '../../src/router/parse-body.js';

const form = (text: string) => parseBody('form', Buffer.from(text));

describe('parseBody', () => {
  it('reads form fields as own properties, a repeated name as an array', () => {
    expect(form('a=1&b=2&b=3&b=4')).toEqual({ ok: true, body: { a: '1', b: ['2', '3', '4'] } });
  });

  it('reads fields named like Object.prototype members as plain fields', () => {
    const parsed = form('constructor=x&__proto__=y&toString=z&a=1&a=2');
    expect(parsed.ok).toBe(true);
    const body = (parsed as { body: Record<string, unknown> }).body;
    expect(Object.keys(body)).toEqual(['constructor', '__proto__', 'toString', 'a']);
    expect(Object.getOwnPropertyDescriptor(body, 'constructor')?.value).toBe('x');
    expect(Object.getOwnPropertyDescriptor(body, '__proto__')?.value).toBe('y');
    expect(Object.getOwnPropertyDescriptor(body, 'toString')?.value).toBe('z');
    expect(body.a).toEqual(['1', '2']);
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
    expect(JSON.stringify(body)).toBe('{"constructor":"x","__proto__":"y","toString":"z","a":["1","2"]}');
  });

  it('gives JSON as is, text as a string, nothing as null, and a parse error for bad JSON', () => {
    expect(parseBody('json', Buffer.from('{"__proto__":{"x":1}}'))).toMatchObject({ ok: true });
    expect(parseBody('text', Buffer.from('<a/>'))).toEqual({ ok: true, body: '<a/>' });
    expect(parseBody('form', Buffer.alloc(0))).toEqual({ ok: true, body: null });
    expect(parseBody('json', Buffer.from('{'))).toMatchObject({ ok: false, error: expect.stringMatching(/not valid JSON/) });
  });

  it(`reads up to ${maxFormFields} form fields and refuses more, not counting empty pieces between &s`, () => {
    const fields = (count: number) => Array.from({ length: count }, (_, i) => `f${i}=${i}`).join('&&');
    expect(form(fields(maxFormFields))).toMatchObject({ ok: true });
    expect(form(fields(maxFormFields + 1))).toEqual({ ok: false, error: `The form has more than ${maxFormFields} fields` });
  });
});
