/**
 * Builds the code text that runs a process script in the script sandbox. Both styles get `context`
 * (`{variables, content}`) and return `{value, error, variables, output}` as JSON.
 */

/**
 * bpmn-engine's documented script API: `environment.variables`, `environment.output`, `content`
 * and `next(err, result)`, called synchronously. A script that never calls `next` completes empty.
 */
export function standardScriptSource(body: string): string {
  return `const environment = { variables: context.variables, output: context.output, services: {} };
const content = context.content;
let __done = { error: null, value: null };
const next = function (err, value) {
  __done = { error: err ? String((err && err.message) || err) : null, value: value === undefined ? null : value };
};
(function () {
${body}
}).call(undefined);
return { error: __done.error, value: __done.value, variables: environment.variables, output: environment.output };`;
}

/**
 * The platform's style: process variables read and assigned as globals (`validationStatus = 'Passed'`).
 * The code runs in sloppy mode inside `with (scope)`, where `scope` is a Proxy that claims every name
 * the isolate's own globals (JSON, Math, doCmd, console, ...) do not, so reads see variables and
 * assignments land in them; the script's `return` value is the task's result.
 */
export function globalsScriptSource(body: string): string {
  return `const __vars = context.variables;
const __scope = new Proxy(__vars, {
  has(target, key) { return typeof key === 'string' && (key in target || !(key in globalThis)); },
  get(target, key) { return key === Symbol.unscopables ? undefined : target[key]; },
  set(target, key, value) { target[key] = value; return true; },
});
const __value = (function () {
  with (__scope) {
${body}
  }
}).call(undefined);
return { error: null, value: __value === undefined ? null : __value, variables: __vars, output: {} };`;
}
