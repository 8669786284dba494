/**
 * The code that runs inside every fresh context before and after the user's function. It captures
 * the intrinsics it needs first, so a script that tampers with `JSON` or prototypes only spoils its
 * own run; everything crosses the boundary as JSON strings and primitives.
 */
export const bootstrapSource = String.raw`(function (userFn, hostCmd, hostLog, inputJson, maxLines, maxLineChars, maxResultChars) {
  'use strict';
  const parse = JSON.parse;
  const stringify = JSON.stringify;
  const toText = String;
  const input = parse(inputJson);
  let lines = 0;

  function text(value) {
    if (typeof value === 'string') return value;
    try {
      const json = stringify(value);
      return json === undefined ? toText(value) : json;
    } catch (error) {
      try { return toText(value); } catch (again) { return '[unprintable]'; }
    }
  }
  function write(level, args) {
    lines += 1;
    if (lines > maxLines) {
      if (lines === maxLines + 1) hostLog.applySync(undefined, ['truncated', '']);
      return;
    }
    let line = '';
    for (let i = 0; i < args.length && line.length <= maxLineChars; i += 1) line += (i === 0 ? '' : ' ') + text(args[i]);
    hostLog.applySync(undefined, [level, line.length > maxLineChars ? line.slice(0, maxLineChars) : line]);
  }
  function describe(error) {
    try {
      if (error !== null && typeof error === 'object' && typeof error.message === 'string') {
        return (typeof error.name === 'string' ? error.name + ': ' : '') + error.message;
      }
      return 'Script threw ' + text(error);
    } catch (again) {
      return 'Script threw an unprintable value';
    }
  }
  function doCmd(name, data) {
    if (typeof name !== 'string') throw new TypeError('doCmd(name, data): name must be a string');
    let json = data === undefined ? 'null' : stringify(data);
    if (json === undefined) json = 'null';
    if (json.length > maxResultChars) throw new RangeError('doCmd data exceeds ' + maxResultChars + ' characters');
    const reply = parse(hostCmd.applySyncPromise(undefined, [name, json]));
    if (typeof reply.abort === 'string') throw new Error(reply.abort);
    return reply;
  }

  globalThis.context = input.context;
  globalThis.body = input.context === null || input.context === undefined ? null : input.context.body;
  globalThis.doCmd = doCmd;
  globalThis.console = {
    log: (...args) => write('log', args),
    info: (...args) => write('info', args),
    warn: (...args) => write('warn', args),
    error: (...args) => write('error', args),
    debug: (...args) => write('log', args),
  };
  delete globalThis.WebAssembly;
  delete globalThis.Atomics;
  delete globalThis.SharedArrayBuffer;

  let result;
  try {
    result = userFn();
  } catch (error) {
    return stringify({ lines, error: describe(error) });
  }
  try {
    if (result !== null && (typeof result === 'object' || typeof result === 'function') && typeof result.then === 'function') {
      return stringify({ lines, error: 'Scripts are synchronous: return a value, not a Promise' });
    }
  } catch (error) {
    return stringify({ lines, error: describe(error) });
  }
  let json;
  try {
    json = stringify(result === undefined ? null : result);
  } catch (error) {
    return stringify({ lines, error: 'The script result is not JSON: ' + describe(error) });
  }
  if (typeof json !== 'string') json = 'null';
  if (json.length > maxResultChars) return stringify({ lines, error: 'Script result exceeds ' + maxResultChars + ' characters' });
  return '{"lines":' + lines + ',"result":' + json + '}';
})`;

/** Wraps a function body so that its first line is line 1 of the compiled script (see `lineOffset`). */
export function wrapFunctionBody(code: string): string {
  return `(function () {\n${code}\n})`;
}
