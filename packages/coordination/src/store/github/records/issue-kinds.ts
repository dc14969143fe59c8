/** Every issue the store uses carries `sentinel` plus one purpose label. */
export const SENTINEL_LABEL = "sentinel";
export const PURPOSE_LABELS = {
  task: "sentinel:task",
  registry: "sentinel:registry",
  memory: "sentinel:memory",
  events: "sentinel:events",
  settings: "sentinel:settings",
} as const;
export type IssuePurpose = keyof typeof PURPOSE_LABELS;

export function purposeOf(labels: string[]): IssuePurpose | null {
  for (const [purpose, label] of Object.entries(PURPOSE_LABELS)) {
    if (labels.includes(label)) return purpose as IssuePurpose;
  }
  return null;
}

export const TASK_ID_PREFIX = "gh-";

export function taskIdOf(issueNumber: number): string {
  return `${TASK_ID_PREFIX}${issueNumber}`;
}

/** The issue number of a task id, or null for ids that are not ours. */
export function issueNumberOf(taskId: string): number | null {
  if (!taskId.startsWith(TASK_ID_PREFIX)) return null;
  const rest = taskId.slice(TASK_ID_PREFIX.length);
  return /^[1-9]\d{0,15}$/.test(rest) ? Number(rest) : null;
}
