import { InvalidArgumentError } from "commander";
import { parseDelay } from "../domain/task-delay.js";

/** Commander option parsers that name the option and the accepted range on failure. */
export function intOption(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^-?\d+$/.test(value.trim()))
      throw new InvalidArgumentError(`${name} expects an integer ${min}..${max}, got "${value}"`);
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`${name} expects an integer ${min}..${max}, got ${n}`);
    return n;
  };
}

/** A delay such as "30s" or "5m" (domain/task-delay.ts parseDelay), refused naming the option. */
export function delayOption(name: string): (value: string) => number {
  return (value) => {
    try {
      return parseDelay(value, name);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
  };
}

/** An ISO 8601 time ("2026-12-24T18:00:00Z"), as ms since the epoch. */
export function isoTimeOption(name: string): (value: string) => number {
  return (value) => {
    const at = /^\d{4}-\d{2}-\d{2}T/.test(value.trim()) ? Date.parse(value) : Number.NaN;
    if (!Number.isFinite(at))
      throw new InvalidArgumentError(`${name} expects an ISO 8601 time such as 2026-12-24T18:00:00Z, got "${value}"`);
    return at;
  };
}

export function jsonOption(name: string): (value: string) => unknown {
  return (value) => {
    try {
      return JSON.parse(value);
    } catch (err) {
      throw new InvalidArgumentError(`${name} expects JSON (${(err as Error).message})`);
    }
  };
}

/** `--actor`: a name the audit can show (1–200 printable characters, no spaces). */
export function actorOption(value: string): string {
  if (!/^[\x21-\x7e]{1,200}$/.test(value))
    throw new InvalidArgumentError(`--actor expects 1-200 printable characters without spaces, got "${value}"`);
  return value;
}
