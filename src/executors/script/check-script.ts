import { createHostIsolate, type HostIsolate } from './host/host-isolate.js';
import { prepareScriptSource, type PreparedScript } from './prepare-script-source.js';
import { scriptFileName, scriptWrapperHead, scriptWrapperTail } from './script-wrapper.js';

const checkMemoryMb = 64;
const checkTimeoutMs = 250;
let checker: HostIsolate | undefined;

/**
 * The one script checker, used when a configuration is saved and before a run: V8 compiles the body
 * as the sandbox wraps it (strict) for syntax errors with line and column; acorn refuses what the
 * sandbox cannot run and re-spells the data SES would take for code (prepare-script-source.ts); then
 * the sandbox's own compile (SES, in a locked-down isolate) compiles the result without running it.
 * The prepared source is what the sandbox runs.
 */
export function checkScript(code: string): PreparedScript {
  const { isolate, check } = checkerIsolate();
  try {
    const wrapped = `'use strict'; ${scriptWrapperHead}${code}${scriptWrapperTail}`;
    isolate.compileScriptSync(wrapped, { filename: scriptFileName, lineOffset: -1 }).release();
  } catch (error) {
    return failed(error);
  }
  const prepared = prepareScriptSource(code);
  if (!prepared.ok) return prepared;
  try {
    check.applySync(undefined, [prepared.source], { timeout: checkTimeoutMs });
  } catch (error) {
    return failed(error);
  }
  return prepared;
}

function checkerIsolate(): HostIsolate {
  if (!checker || checker.isolate.isDisposed) checker = createHostIsolate(checkMemoryMb);
  return checker;
}

function failed(error: unknown): PreparedScript {
  if (checker?.isolate.isDisposed) checker = undefined;
  const { name, message } = error as Error;
  return { ok: false, problem: `${name === 'SyntaxError' ? 'SyntaxError' : 'Error'}: ${message}` };
}
