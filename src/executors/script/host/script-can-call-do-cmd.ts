/**
 * Whether a script may call `doCmd`. Only such a run needs isolated-vm's asynchronous `apply` (doCmd
 * waits on the service with `applySyncPromise`, which cannot run on the host's main thread); every
 * other run executes with `applySync` on the main thread, without a thread hop each way.
 *
 * User code reaches `doCmd` only by naming it: it is a parameter of the function the code is compiled
 * into, not a property of anything the code can reach, and `eval` or `Function` inside a compartment
 * see only the compartment's globals. A name may be spelt with Unicode escapes (`d\u006fCmd`), so any
 * escape counts as a mention too. A false positive only costs speed; a false negative is impossible
 * by the above, and would only make that doCmd throw (the runner refuses it), never run a command.
 */
export function scriptCanCallDoCmd(code: string): boolean {
  return code.includes('doCmd') || code.includes('\\u');
}
