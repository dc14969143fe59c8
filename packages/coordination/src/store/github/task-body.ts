import type { GithubContext } from "./github-context.js";
import type { TaskRecord } from "./records/record-schemas.js";

/**
 * The issue body of a task: a readable summary, the parameters in a fenced JSON block (for
 * people), and the signed spec in the hidden payload (for the store — the fenced copy is
 * never parsed, so editing it changes nothing).
 */
export function renderTaskBody(ctx: GithubContext, payload: TaskRecord): string {
  const { spec } = payload;
  const params = JSON.stringify(spec.params, null, 2).replace(/</g, "\\u003c").replace(/```/g, "`\u200b``");
  const summary = [
    `Task Sentinel task of type \`${spec.type}\`, priority ${spec.priority}, created by ${payload.actor}.`,
    `Up to ${spec.maxAttempts} attempts, ${Math.round(spec.timeoutMs / 1000)} s each${spec.pinnedWorkerId ? `, pinned to \`${spec.pinnedWorkerId}\`` : ""}.`,
  ].join(" ");
  return ctx.encode("body", payload, summary, `Parameters:\n\n\`\`\`json\n${params}\n\`\`\``);
}
