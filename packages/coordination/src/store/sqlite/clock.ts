import { statSync, writeFileSync } from "node:fs";
import type { StatementCache } from "./statements.js";

/** SQLite's clock in epoch milliseconds: what this process's C library says the time is. */
const STORE_NOW_SQL = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";

const READ_NOW = `SELECT ${STORE_NOW_SQL} AS now`;

/** How often the offset to the kernel's clock is measured again. */
const REFERENCE_INTERVAL_MS = 1000;
/**
 * File times are stamped from the kernel's coarse clock (a few ms per tick): a new measurement
 * replaces the offset only when it differs by more than this, so the store clock does not
 * jitter between measurements yet follows a real change (a clock stepped or faked) at once.
 */
const REFERENCE_TOLERANCE_MS = 25;

/**
 * The store clock of one SQLite connection (invariant 2, docs/architecture.md). SQLite reads
 * the time inside the process (`julianday('now')` asks this process's C library), so processes
 * sharing a file agree only while their clocks do; one whose clock is skewed or faked (an
 * LD_PRELOAD such as libfaketime, a container clock) would judge leases and locks by its own
 * time. The reference every process on the host shares is the kernel's clock, which stamps a
 * file's modification time when it is written: once per REFERENCE_INTERVAL_MS this clock
 * writes a file beside the database (`<database>-clock`), reads the stamp back and keeps the
 * offset between it and SQLite's time. Every reading is SQLite's time plus that offset.
 * Without a file (`:memory:`) or when it cannot be written, the offset stays 0: SQLite's time.
 */
export class StoreClock {
  private offsetMs = 0;
  private measuredAtMono = Number.NEGATIVE_INFINITY;

  constructor(private readonly referencePath: string | null) {}

  /** Read once per transition, inside its transaction; every check of that transition uses this instant. */
  now(statements: StatementCache): number {
    this.refresh(statements);
    return readSqliteNow(statements) + this.offsetMs;
  }

  /** The last measured offset of this process's clock to the kernel's (ms; for tests and diagnostics). */
  offset(): number {
    return this.offsetMs;
  }

  private refresh(statements: StatementCache): void {
    if (this.referencePath === null) return;
    const mono = performance.now();
    if (mono - this.measuredAtMono < REFERENCE_INTERVAL_MS) return;
    this.measuredAtMono = mono;
    try {
      const before = readSqliteNow(statements);
      writeFileSync(this.referencePath, "clock reference of the Task Sentinel store beside it\n");
      const kernel = statSync(this.referencePath).mtimeMs;
      const after = readSqliteNow(statements);
      const measured = Math.round(kernel - (before + after) / 2);
      if (Math.abs(measured - this.offsetMs) > REFERENCE_TOLERANCE_MS) this.offsetMs = measured;
    } catch {
      // A read-only directory: SQLite's own time is the best this process has.
    }
  }
}

/** The reference file of the database at `path`, or null for an in-memory database. */
export function clockReferencePath(path: string): string | null {
  return path === "" || path === ":memory:" || path.startsWith("file::memory:") ? null : `${path}-clock`;
}

function readSqliteNow(statements: StatementCache): number {
  return (statements.get(READ_NOW).get() as { now: number }).now;
}
