/**
 * The text the sandbox compiles around a script body: a function of the script's globals, with the
 * body in a scope of its own (it may declare its own `body`). The checker parses and compiles the same
 * text, so a line of the body is the same line everywhere (`lineOffset: -1` skips the head's line).
 */
export const scriptWrapperHead = '(function (context, body, doCmd, console) { return (function () {\n';
export const scriptWrapperTail = '\n}).call(this); })';

/** The file name compile errors and checker refusals cite (`[executionCode:3:9]`). */
export const scriptFileName = 'executionCode';
