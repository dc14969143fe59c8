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

/** Every aspect whose descriptor differs, including aspects only one side has. */
export function compareForms(endpoint: string, github: ResponseForm, emulator: ResponseForm): Difference[] {
  const aspects = [...new Set([...Object.keys(github), ...Object.keys(emulator)])].sort();
  return aspects
    .map((aspect) => ({ endpoint, aspect, github: github[aspect] ?? ABSENT, emulator: emulator[aspect] ?? ABSENT }))
    .filter((difference) => difference.github !== difference.emulator);
}

export function formatDifference(difference: Difference): string {
  return `${difference.endpoint} | ${difference.aspect} | GitHub: ${difference.github} | emulator: ${difference.emulator}`;
}
