import { NamespaceViolationError, ValidationError } from "../errors.js";

export const MEMORY_NAMESPACES = ["swarm", "tasks", "workers", "global"] as const;
export type MemoryNamespace = (typeof MEMORY_NAMESPACES)[number];

export interface MemoryEntry {
  key: string;
  value: unknown;
  /** Store-assigned, strictly increasing across all writes: the LWW order. */
  version: number;
  writerId: string;
  updatedAt: number;
}

const KEY_RE = /^(swarm|tasks|workers|global)\/[A-Za-z0-9._:/-]{1,200}$/;

export function namespaceOf(key: string): MemoryNamespace {
  if (!KEY_RE.test(key) || key.includes("//") || key.endsWith("/")) {
    throw new ValidationError("key", "<swarm|tasks|workers|global>/<path> using letters, digits, . _ : - /", key);
  }
  return key.slice(0, key.indexOf("/")) as MemoryNamespace;
}

/**
 * Namespace isolation: `workers/<id>/…` is written only by worker <id>. The control plane
 * writes as `operator:<name>` and may write anywhere (an operator action is audited).
 */
export function assertMayWrite(key: string, writerId: string): void {
  const ns = namespaceOf(key);
  if (ns !== "workers" || writerId.startsWith("operator:")) return;
  const owner = key.split("/")[1];
  if (owner !== writerId) throw new NamespaceViolationError(key, writerId);
}
