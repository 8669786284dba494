import type { JsonValue } from '@bufbuild/protobuf';

/**
 * How deep a JSON body may nest: deeper ones are refused at ingress. A command's input (a protobuf
 * Value) stops at 100 levels, and the context and a chain's `previous` wrap the body in more.
 */
export const maxBodyDepth = 64;

/**
 * Why a parsed JSON body cannot be run, or undefined when it can: nested deeper than
 * `maxBodyDepth`, or holding a number beyond a 64-bit float (`1e400` parses as Infinity, which no
 * executor, protobuf Value or jsonb column holds). Walked without recursion, so a body of 100,000
 * nested arrays is refused rather than overflowing the stack.
 */
export function unrepresentableBody(body: JsonValue): string | undefined {
  const pending: { value: JsonValue; depth: number }[] = [{ value: body, depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, depth } = next;
    if (typeof value === 'number' && !Number.isFinite(value)) {
      return 'The body holds a number too large to represent (beyond a 64-bit float, such as 1e400)';
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= maxBodyDepth) return `The body nests deeper than ${maxBodyDepth} levels`;
    const children = Array.isArray(value) ? value : Object.values(value);
    for (const child of children) pending.push({ value: child, depth: depth + 1 });
  }
  return undefined;
}
