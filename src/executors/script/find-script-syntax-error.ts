import ivm from 'isolated-vm';

const checkMemoryMb = 32;
const checkTimeoutMs = 250;
let checker: { isolate: ivm.Isolate; context: ivm.Context } | undefined;

/**
 * Compiles a script body in an isolate without running it: undefined when it compiles, else the
 * compiler's message with its line and column. Shared by config validation and the sandbox.
 */
export function findScriptSyntaxError(code: string): string | undefined {
  const { isolate, context } = compileChecker();
  try {
    isolate.compileScriptSync(wrapFunctionBody(code), { filename: 'executionCode', lineOffset: -1 }).release();
    // The Function constructor parses the text as one function body: this refuses code such as
    // `}); (function () {`, which would otherwise close the wrapper and run at the top level.
    context.evalClosureSync('new Function($0)', [code], { timeout: checkTimeoutMs });
    return undefined;
  } catch (error) {
    if (isolate.isDisposed) checker = undefined;
    const { name, message } = error as Error;
    if (message === 'Single function literal required') return 'SyntaxError: the code must be a function body';
    return `${name === 'SyntaxError' ? 'SyntaxError' : 'Error'}: ${message}`;
  }
}

function compileChecker(): { isolate: ivm.Isolate; context: ivm.Context } {
  if (!checker || checker.isolate.isDisposed) {
    const isolate = new ivm.Isolate({ memoryLimit: checkMemoryMb });
    checker = { isolate, context: isolate.createContextSync() };
  }
  return checker;
}

/** Wraps a function body so that its first line is line 1 of the compiled script (see `lineOffset`). */
function wrapFunctionBody(code: string): string {
  return `(function () {\n${code}\n})`;
}
