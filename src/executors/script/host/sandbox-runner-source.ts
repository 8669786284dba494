import { scriptWrapperHead, scriptWrapperTail } from '../script-wrapper.js';

/**
 * The functions every run goes through inside a host's isolate, evaluated once per isolate after SES
 * `lockdown()` froze every intrinsic. User code is compiled once per cache key, in one `Compartment`
 * whose global object is frozen too, as a function of the run's `context`, `body`, `doCmd` and
 * `console`: every object a run can reach is either frozen or made for that run, so nothing it writes
 * survives it. Everything crosses the boundary as JSON strings. The code arrives prepared by
 * check-script.ts, which refused direct eval with a real parser: SES's textual guess at it stays off.
 * `check` compiles without running, for the checker.
 */
export const sandboxRunnerSource = `(function () {
  'use strict';
  const parse = JSON.parse;
  const stringify = JSON.stringify;
  const toText = String;

  function text(value) {
    if (typeof value === 'string') return value;
    try {
      const json = stringify(value);
      return json === undefined ? toText(value) : json;
    } catch (error) {
      try { return toText(value); } catch (again) { return '[unprintable]'; }
    }
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

  const compartment = new Compartment({ __options__: true, globals: {} });
  const shared = harden(compartment.globalThis);
  const compiled = new Map();
  function compile(cacheKey, code) {
    const known = compiled.get(cacheKey);
    if (known !== undefined && known.code === code) return known.fn;
    // The inner function keeps the body a scope of its own: it may declare its own 'body'.
    const fn = compartment.evaluate(${JSON.stringify(scriptWrapperHead)} + code + ${JSON.stringify(scriptWrapperTail)}, {
      __rejectSomeDirectEvalExpressions__: false,
    });
    if (compiled.size >= 200) compiled.delete(compiled.keys().next().value);
    compiled.set(cacheKey, { code, fn });
    return fn;
  }

  function check(code) {
    compile('check', code);
  }

  function run(cacheKey, code, inputJson, hostCmd, maxLines, maxLineChars, maxResultChars) {
    const input = parse(inputJson);
    const logs = [];
    let lines = 0;
    function write(level, args) {
      lines += 1;
      if (lines > maxLines) return;
      let line = '';
      for (let i = 0; i < args.length && line.length <= maxLineChars; i += 1) line += (i === 0 ? '' : ' ') + text(args[i]);
      logs.push([level, line.length > maxLineChars ? line.slice(0, maxLineChars) : line]);
    }
    function doCmd(name, data) {
      // Runs of scripts that never name doCmd get none (see script-can-call-do-cmd.ts).
      if (hostCmd === undefined) throw new Error('doCmd is not available to this script');
      if (typeof name !== 'string') throw new TypeError('doCmd(name, data): name must be a string');
      let json = data === undefined ? 'null' : stringify(data);
      if (json === undefined) json = 'null';
      if (json.length > maxResultChars) throw new RangeError('doCmd data exceeds ' + maxResultChars + ' characters');
      const reply = parse(hostCmd.applySyncPromise(undefined, [name, json]));
      if (typeof reply.abort === 'string') throw new Error(reply.abort);
      return reply;
    }
    const end = (fields) => stringify({ lines, logs, ...fields });

    const context = input.context;
    const console = {
      log: (...args) => write('log', args),
      info: (...args) => write('info', args),
      warn: (...args) => write('warn', args),
      error: (...args) => write('error', args),
      debug: (...args) => write('log', args),
    };
    let result;
    try {
      const userFn = compile(cacheKey, code);
      result = userFn.call(shared, context, context === null || context === undefined ? null : context.body, doCmd, console);
    } catch (error) {
      return end({ error: describe(error) });
    }
    try {
      if (result !== null && (typeof result === 'object' || typeof result === 'function') && typeof result.then === 'function') {
        return end({ error: 'Scripts are synchronous: return a value, not a Promise' });
      }
    } catch (error) {
      return end({ error: describe(error) });
    }
    let json;
    try {
      json = stringify(result === undefined ? null : result);
    } catch (error) {
      return end({ error: 'The script result is not JSON: ' + describe(error) });
    }
    if (typeof json !== 'string') json = 'null';
    if (json.length > maxResultChars) return end({ error: 'Script result exceeds ' + maxResultChars + ' characters' });
    return '{"lines":' + lines + ',"logs":' + stringify(logs) + ',"result":' + json + '}';
  }

  return harden({ run, check });
})()`;
