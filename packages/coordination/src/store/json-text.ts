import { jsonDepth, LIMITS } from "../domain/limits.js";
import { ValidationError } from "../errors.js";

/**
 * Caller data as JSON text; anything JSON cannot carry is a ValidationError on `field`, and
 * so is nesting deeper than LIMITS.jsonDepth (measured first: JSON.stringify recurses).
 * Backends add their size limits.
 */
export function toJsonText(value: unknown, field: string): string {
  if (jsonDepth(value, LIMITS.jsonDepth) > LIMITS.jsonDepth)
    throw new ValidationError(field, `JSON nested at most ${LIMITS.jsonDepth} levels deep (limit jsonDepth)`);
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new ValidationError(field, `JSON-serialisable data (${(error as Error).message})`);
  }
  if (text === undefined)
    throw new ValidationError(field, "JSON-serialisable data (not undefined, a function or a symbol)");
  return text;
}
