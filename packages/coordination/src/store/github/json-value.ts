import { ValidationError } from "../../errors.js";
import { toJsonText } from "../json-text.js";
import { VALUE_DEPTH_LIMIT } from "./records/limits.js";
import { exceedsJsonDepth } from "./trust/json-depth.js";

/** Caller data that must survive JSON (records are JSON), within a share of a comment body and the readers' depth limit. */
export function toJsonValue(value: unknown, field: string, maxChars: number): unknown {
  const text = toJsonText(value, field);
  if (text.length > maxChars)
    throw new ValidationError(
      field,
      `at most ${maxChars} characters of JSON (GitHub comment bodies are limited to 65,536)`,
    );
  if (exceedsJsonDepth(text, VALUE_DEPTH_LIMIT))
    throw new ValidationError(field, `JSON nested at most ${VALUE_DEPTH_LIMIT} levels deep`);
  return JSON.parse(text) as unknown;
}
