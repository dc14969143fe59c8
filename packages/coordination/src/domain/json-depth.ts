/**
 * Depth of JSON data measured without recursion (an explicit stack, or a scan of the raw
 * text): JSON.stringify, superjson and zod overflow the call stack a few thousand levels
 * down, so these run first. No imports: errors.ts uses them too.
 */

/**
 * Nesting depth of a value (a scalar is 0, `{}` is 1), counted with an explicit stack and
 * given up as soon as it passes `stopAbove` — so a cyclic or 100,000-deep value costs at
 * most `stopAbove` levels of work per branch.
 */
export function jsonDepth(value: unknown, stopAbove: number): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (current === null || typeof current !== "object") continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (deepest > stopAbove) return deepest;
    const children = Array.isArray(current) ? current : Object.values(current);
    for (const child of children) if (child !== null && typeof child === "object") stack.push([child, level]);
  }
  return deepest;
}

/**
 * Deepest `{`/`[` nesting of JSON text, scanned character by character (strings skipped), so
 * a hostile body is measured before JSON.parse and whatever walks its result. Not a
 * validator: malformed text is for the parser to refuse.
 */
export function jsonTextDepth(text: string, stopAbove: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > stopAbove) return deepest;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}
