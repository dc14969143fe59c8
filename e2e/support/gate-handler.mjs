// A command handler for e2e tests: it runs until the file named by the task's `gate` param
// exists, so a test decides when a task finishes instead of racing a fixed duration. Optional
// `say` (lines for stdout, kept in the task's log) and `progress` (a fraction, reported on
// stderr with the SENTINEL_PROGRESS line protocol) are written first.
import { existsSync } from "node:fs";

const params = JSON.parse(process.env.SENTINEL_TASK_PARAMS ?? "null");
const gate = params?.gate;
if (typeof gate !== "string" || gate === "") {
  process.stderr.write('params.gate: expected the path of a file to wait for, e.g. {"gate": "/tmp/x"}\n');
  process.exit(2);
}
for (const line of Array.isArray(params.say) ? params.say : []) process.stdout.write(`${String(line)}\n`);
if (typeof params.progress === "number")
  process.stderr.write(`SENTINEL_PROGRESS ${params.progress} waiting for the gate\n`);
const timer = setInterval(() => {
  if (!existsSync(gate)) return;
  clearInterval(timer);
  process.stdout.write(JSON.stringify({ opened: gate }));
}, 50);
