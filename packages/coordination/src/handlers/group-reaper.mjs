/**
 * One per worker process: ends the process groups of the worker's command handlers when the
 * worker dies, however it dies (SIGKILL included), so no handler runs on beside the retry
 * of its task elsewhere. Plain JavaScript with no imports, so it starts in tens of ms, once.
 *
 * stdin is the lifeline: the worker holds the only write end and sends "+<pgid>" when a
 * handler starts and "-<pgid>" when it has ended. When the worker dies the kernel closes
 * that end; the groups still listed get SIGTERM, then SIGKILL after the grace period. The
 * parent pid is watched too, in case the pipe outlives its writer somewhere.
 *
 * A handler can start running before spawn() returns in the worker, so before its group is
 * reported; every handler's environment therefore carries this worker's mark
 * (SENTINEL_HANDLER_OF), and on Linux the groups of processes carrying it are ended too.
 *
 * argv: <grace ms> <mark>
 */
import { readdirSync, readFileSync } from "node:fs";

const graceMs = Number(process.argv[2]);
const markEntry = `SENTINEL_HANDLER_OF=${process.argv[3]}`;
const parentPid = process.ppid;
const groups = new Set();
let pending = "";
let ending = false;

/** Process groups of processes whose environment carries this worker's mark (empty where /proc is missing). */
function markedGroups() {
  const found = new Set();
  let pids = [];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return found;
  }
  for (const pid of pids) {
    try {
      if (!readFileSync(`/proc/${pid}/environ`, "latin1").split("\0").includes(markEntry)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
      const group = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
      if (Number.isInteger(group) && group > 1) found.add(group);
    } catch {}
  }
  return found;
}

function signalAll(signal) {
  for (const group of markedGroups()) groups.add(group);
  for (const group of groups) {
    try {
      process.kill(-group, signal);
    } catch {}
  }
}

function endAll() {
  if (ending) return;
  ending = true;
  signalAll("SIGTERM");
  setTimeout(() => {
    signalAll("SIGKILL");
    process.exit(0);
  }, graceMs);
}

// Started in its own session: a terminal's Ctrl-C or a group signal meant for the worker must not end the guard first.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => undefined);

process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  pending += chunk;
  const lines = pending.split("\n");
  pending = lines.pop() ?? "";
  for (const line of lines) {
    const group = Number(line.slice(1));
    if (!Number.isInteger(group) || group <= 1) continue;
    if (line.startsWith("+")) groups.add(group);
    else if (line.startsWith("-")) groups.delete(group);
  }
});
process.stdin.on("end", endAll);
process.stdin.on("close", endAll);
process.stdin.on("error", endAll);

setInterval(() => {
  if (process.ppid !== parentPid) endAll();
}, 500);
