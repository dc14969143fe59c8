import { ValidationError } from "../../errors.js";

/** Caller data that must survive JSON (records are JSON); anything else is a ValidationError on `field`. */
export function toJsonValue(value: unknown, field: string, maxChars: number): unknown {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new ValidationError(field, `JSON-serialisable data (${(error as Error).message})`);
  }
  if (text === undefined) throw new ValidationError(field, "JSON-serialisable data (not undefined, a function or a symbol)");
  if (text.length > maxChars) throw new ValidationError(field, `at most ${maxChars} characters of JSON (GitHub comment bodies are limited to 65,536)`);
  return JSON.parse(text) as unknown;
}
