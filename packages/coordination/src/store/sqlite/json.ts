import { ValidationError } from "../../errors.js";

/** Serialise caller data for a JSON column; anything JSON cannot carry is a ValidationError on `field`. */
export function toJson(value: unknown, field: string, maxBytes = 1_000_000): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new ValidationError(field, `JSON-serialisable data (${(error as Error).message})`);
  }
  if (text === undefined) throw new ValidationError(field, "JSON-serialisable data (not undefined, a function or a symbol)");
  if (Buffer.byteLength(text) > maxBytes) throw new ValidationError(field, `at most ${maxBytes} bytes of JSON`);
  return text;
}

export function fromJson(text: string | null): unknown {
  return text === null ? null : JSON.parse(text);
}
