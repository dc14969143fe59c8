import type { ResponseForm } from "./response-form.js";

/** One way the emulator's answer differs from GitHub's for an endpoint. */
export interface Difference {
  /** e.g. "POST /repos/{owner}/{repo}/issues 201". */
  endpoint: string;
  /** e.g. "header etag", "body $.user.user_view_type". */
  aspect: string;
  github: string;
  emulator: string;
}

const ABSENT = "(absent)";

/**
 * Every aspect whose descriptor differs, including aspects only one side has. With
 * `nullMatchesAny` (a documentation example, whose values are not the emulator's state) a
 * null on either side matches any type, and so do the keys below it.
 */
export function compareForms(
  endpoint: string,
  github: ResponseForm,
  emulator: ResponseForm,
  options: { nullMatchesAny?: boolean } = {},
): Difference[] {
  const aspects = [...new Set([...Object.keys(github), ...Object.keys(emulator)])].sort();
  const nullAt = (aspect: string) => github[aspect] === "null" || emulator[aspect] === "null";
  const underNull = (aspect: string) =>
    options.nullMatchesAny === true && [...ancestors(aspect), aspect].some((path) => nullAt(path));
  return aspects
    .filter((aspect) => !underNull(aspect))
    .map((aspect) => ({ endpoint, aspect, github: github[aspect] ?? ABSENT, emulator: emulator[aspect] ?? ABSENT }))
    .filter((difference) => difference.github !== difference.emulator);
}

/** "body $.a[].b" → ["body $", "body $.a", "body $.a[]"]. */
function ancestors(aspect: string): string[] {
  const result: string[] = [];
  for (let index = aspect.length - 1; index > 0; index -= 1) {
    const char = aspect[index];
    if (char === "." || (char === "[" && aspect[index + 1] === "]")) result.push(aspect.slice(0, index));
  }
  return result;
}

export function formatDifference(difference: Difference): string {
  return `${difference.endpoint} | ${difference.aspect} | GitHub: ${difference.github} | emulator: ${difference.emulator}`;
}
