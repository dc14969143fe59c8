import { randomBytes } from "node:crypto";

/** `<hostname>-<pid>-<random4>`: unique per process even when pods share a hostname pattern. */
export function generateWorkerId(hostname: string, pid: number): string {
  const safeHost = hostname.replace(/[^A-Za-z0-9._-]/g, "-").slice(0, 64) || "worker";
  return `${safeHost}-${pid}-${randomBytes(2).toString("hex")}`;
}
