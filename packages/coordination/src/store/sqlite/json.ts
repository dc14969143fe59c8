import { LIMITS } from "../../domain/limits.js";
import { ValidationError } from "../../errors.js";
import { toJsonText } from "../json-text.js";

/** Serialise caller data for a JSON column. */
export function toJson(value: unknown, field: string, maxBytes: number = LIMITS.recordBytes): string {
  const text = toJsonText(value, field);
  if (Buffer.byteLength(text) > maxBytes) throw new ValidationError(field, `at most ${maxBytes} bytes of JSON`);
  return text;
}

export function fromJson(text: string | null): unknown {
  return text === null ? null : JSON.parse(text);
}
