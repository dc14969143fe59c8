import { ValidationError } from "../../errors.js";
import { toJsonText } from "../json-text.js";

/** Caller data that must survive JSON (records are JSON), within a share of a comment body. */
export function toJsonValue(value: unknown, field: string, maxChars: number): unknown {
  const text = toJsonText(value, field);
  if (text.length > maxChars)
    throw new ValidationError(
      field,
      `at most ${maxChars} characters of JSON (GitHub comment bodies are limited to 65,536)`,
    );
  return JSON.parse(text) as unknown;
}
