/** Every issue the store uses carries `sentinel` plus one purpose label. */
export const SENTINEL_LABEL = "sentinel";
export const PURPOSE_LABELS = {
  task: "sentinel:task",
  registry: "sentinel:registry",
  memory: "sentinel:memory",
  events: "sentinel:events",
  settings: "sentinel:settings",
  audit: "sentinel:audit",
} as const;
export type IssuePurpose = keyof typeof PURPOSE_LABELS;

export function purposeOf(labels: string[]): IssuePurpose | null {
  for (const [purpose, label] of Object.entries(PURPOSE_LABELS)) {
    if (labels.includes(label)) return purpose as IssuePurpose;
  }
  return null;
}

export const TASK_ID_PREFIX = "gh-";

/**
 * A task's id comes from the nonce in its signed spec, not from the issue number: a create
 * retried after a 5xx that had taken effect leaves two issues with one nonce, and both
 * must name the same task (the lowest-numbered issue holds its records).
 */
export function taskIdOf(nonce: string): string {
  return `${TASK_ID_PREFIX}${nonce}`;
}

/** The nonce of a task id, or null for ids that are not ours. */
export function taskNonceOf(taskId: string): string | null {
  if (!taskId.startsWith(TASK_ID_PREFIX)) return null;
  const rest = taskId.slice(TASK_ID_PREFIX.length);
  return /^[a-z0-9]{8,32}$/.test(rest) ? rest : null;
}
