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

/** Words that cannot be declared as variables in strict code, and names scripts use as the language's own. */
const notVariables = new Set(
  (
    'break case catch class const continue debugger default delete do else export extends false finally for function if ' +
    'import in instanceof new null return super switch this throw true try typeof var void while with yield let static ' +
    'enum await implements package protected interface private public arguments eval undefined NaN Infinity ' +
    'globalThis context body doCmd console JSON Math Date Object Array String Number Boolean RegExp Error TypeError ' +
    'RangeError SyntaxError Map Set WeakMap WeakSet Symbol Promise BigInt parseInt parseFloat isNaN isFinite ' +
    'encodeURIComponent decodeURIComponent encodeURI decodeURI harden'
  ).split(' '),
);

/** Every identifier the code names (not a property after a dot), each once, that may be a process variable. */
function candidateNames(body: string): string[] {
  const names = new Set<string>();
  for (const match of body.matchAll(/(?<![.\w$])[A-Za-z_$][\w$]*/g)) {
    if (!notVariables.has(match[0]) && !match[0].startsWith('__')) names.add(match[0]);
  }
  return [...names];
}

/**
 * The platform's style: process variables read and assigned as globals (`validationStatus = 'Passed'`).
 * Sandboxed code is strict (no `with`, no implicit globals), so every identifier the script names is
 * declared around it, holding the variable of that name when there is one; after the run, those that
 * hold a value are the instance's variables again. A name the script declares itself (`var`, `let`,
 * a function) stays local to it. The script's `return` value is the task's result.
 */
export function globalsScriptSource(body: string): string {
  const names = candidateNames(body);
  const declared = names.map((name) => `let ${name} = __take(${JSON.stringify(name)});`).join('\n');
  const collected = names.map((name) => `__keep(${JSON.stringify(name)}, ${name});`).join('\n');
  return `const __vars = context.variables;
const __take = (name) => (Object.prototype.hasOwnProperty.call(__vars, name) ? __vars[name] : globalThis[name]);
const __keep = (name, value) => {
  if (value !== undefined && typeof value !== 'function' && value !== globalThis[name]) __vars[name] = value;
};
${declared}
const __value = (function () {
${body}
}).call(undefined);
${collected}
return { error: null, value: __value === undefined ? null : __value, variables: __vars, output: {} };`;
}

/**
 * A `${...}` condition's JavaScript expression (checked by checkConditionBody), evaluated against the
 * process variables: each name it uses is the variable of that name (`environment.variables` holds
 * them all, as in bpmn-engine's expressions). A name that is neither a variable nor a JavaScript
 * global fails the condition, so a missing variable ends the instance in ERROR instead of routing.
 */
export function conditionScriptSource(expression: string, namesIn: string): string {
  const names = candidateNames(namesIn).filter((name) => name !== 'environment');
  const declared = names.map((name) => `const ${name} = __take(${JSON.stringify(name)});`).join('\n');
  return `const __vars = context.variables;
const environment = { variables: __vars };
const __take = (name) => {
  if (Object.prototype.hasOwnProperty.call(__vars, name)) return __vars[name];
  if (name in globalThis) return globalThis[name];
  throw new ReferenceError('the condition uses "' + name + '", which is not a process variable');
};
${declared}
return { error: null, value: Boolean(${expression}
), variables: __vars, output: {} };`;
}
