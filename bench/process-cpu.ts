import { readFileSync } from "node:fs";

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
const TICKS_PER_SECOND = 100;

/**
 * User + system CPU time a process has used so far, from /proc (Linux). CPU time per task is
 * the figure that stays comparable when the machine is shared: wall-clock throughput drops
 * with other load, the work a task costs does not. Null where /proc is unavailable.
 */
export function processCpuMs(pid: number | undefined): number | null {
  const fields = statFields(pid);
  return fields ? ticksToMs(fields, UTIME, STIME) : null;
}

/** Fields of /proc/<pid>/stat after the parenthesised command name (field 3 is index 0). */
function statFields(pid: number | undefined): string[] | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

// utime, stime (fields 14, 15) and cutime, cstime (16, 17: children that exited and were waited for).
const UTIME = 11;
const STIME = 12;
const CUTIME = 13;
const CSTIME = 14;

const ticksToMs = (fields: string[], ...at: number[]): number =>
  (at.reduce((sum, i) => sum + Number(fields[i]), 0) * 1000) / TICKS_PER_SECOND;

/**
 * CPU time of a process and its direct children, including children that have exited: a
 * database server forks one backend per connection, and those come and go. Null where /proc is
 * unavailable. A child that exits between the two reads is missed once, a few ticks at most.
 */
export function processTreeCpuMs(pid: number): number | null {
  const own = statFields(pid);
  if (!own) return null;
  let total = ticksToMs(own, UTIME, STIME, CUTIME, CSTIME);
  let children: string[];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
  } catch {
    return null;
  }
  for (const child of children) {
    const fields = statFields(Number(child));
    if (fields) total += ticksToMs(fields, UTIME, STIME);
  }
  return total;
}

/** Summed CPU time of several processes; null if any cannot be read. */
export function totalCpuMs(pids: Array<number | undefined>): number | null {
  let total = 0;
  for (const pid of pids) {
    const ms = processCpuMs(pid);
    if (ms === null) return null;
    total += ms;
  }
  return total;
}

/** One reading of worker processes' CPU time with a database server's, taken together. */
export interface CpuReading {
  /** The processes plus the server; null if any is unreadable. */
  total: number | null;
  /** The server's part; null without a server or off Linux. */
  server: number | null;
}

/**
 * The summed CPU time of `pids` plus, when given, a database server's they talk to (as
 * BullMQ's figure includes redis-server), the server read once for both fields.
 */
export function readCpu(pids: Array<number | undefined>, serverCpuMs?: () => number | null): CpuReading {
  const processes = totalCpuMs(pids);
  if (!serverCpuMs) return { total: processes, server: null };
  const server = serverCpuMs();
  return { total: processes === null || server === null ? null : processes + server, server };
}
