import { InvalidArgumentError } from "commander";

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

export function jsonOption(name: string): (value: string) => unknown {
  return (value) => {
    try {
      return JSON.parse(value);
    } catch (err) {
      throw new InvalidArgumentError(`${name} expects JSON (${(err as Error).message})`);
    }
  };
}
