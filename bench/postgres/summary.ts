import type { Headline, ReportSection } from "../report.js";

/** A system the others are compared with: its label as in the headlines. */
export interface Reference {
  label: string;
  /** Column-key stem, e.g. "graphile". */
  key: string;
}

/** "graphile-worker 2×10" → "2×10". */
const configOf = (label: string): string => label.split(" ").pop() ?? "";
const systemOf = (label: string): string => label.slice(0, label.lastIndexOf(" "));

const ratio = (a: number | null | undefined, b: number | null | undefined): number | null =>
  a !== null && a !== undefined && b ? a / b : null;

/**
 * Every system's headline rows side by side, with throughput and CPU per task relative to
 * each reference system at the same process count (same run, same server).
 */
export function peerRatioSection(
  id: string,
  title: string,
  headlines: Headline[],
  references: Reference[],
  notes: string[],
): ReportSection {
  const peerOf = (reference: Reference, label: string): Headline | undefined =>
    headlines.find((h) => systemOf(h.label) === reference.label && configOf(h.label) === configOf(label));
  return {
    id,
    title,
    columns: [
      { key: "label", label: "system" },
      { key: "tasksPerSec", label: "tasks/s" },
      ...references.map((r) => ({ key: `${r.key}Throughput`, label: `× ${r.label} same procs`, digits: 2 })),
      { key: "cpuMsPerTask", label: "CPU ms/task", digits: 3 },
      ...references.map((r) => ({ key: `${r.key}Cpu`, label: `CPU ÷ ${r.label}`, digits: 2 })),
      { key: "p50Ms", label: "claim p50 ms (1st rate)", digits: 1 },
      { key: "p99Ms", label: "claim p99 ms (1st rate)", digits: 1 },
      { key: "p50HighMs", label: "claim p50 ms (2nd rate)", digits: 1 },
      { key: "p99HighMs", label: "claim p99 ms (2nd rate)", digits: 1 },
      { key: "idleCpuMsPerSec", label: "idle CPU ms/s per process", digits: 1 },
    ],
    rows: headlines.map((h) => ({
      label: h.label,
      tasksPerSec: h.tasksPerSec,
      ...Object.fromEntries(
        references.flatMap((r) => {
          const peer = peerOf(r, h.label);
          return [
            [`${r.key}Throughput`, ratio(h.tasksPerSec, peer?.tasksPerSec)],
            [`${r.key}Cpu`, ratio(h.cpuMsPerTask, peer?.cpuMsPerTask)],
          ];
        }),
      ),
      cpuMsPerTask: h.cpuMsPerTask ?? null,
      p50Ms: h.p50Ms,
      p99Ms: h.p99Ms,
      p50HighMs: h.p50HighMs ?? null,
      p99HighMs: h.p99HighMs ?? null,
      idleCpuMsPerSec: h.idleCpuMsPerSec ?? null,
    })),
    notes,
  };
}
