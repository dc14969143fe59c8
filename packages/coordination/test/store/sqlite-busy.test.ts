import { join } from "node:path";
import { tempDir } from "@sentinel/test-support";
import Database from "better-sqlite3";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { describe, expect, it } from "vitest";
import { BUSY_RETRY_MIN_MS, isBusyError, retryWhenBusy } from "../../src/store/sqlite/busy.js";

/** Two connections to one file; `holder` keeps the write lock until released. */
function lockedFile() {
  const path = join(tempDir("sentinel-busy").path, "busy.db");
  const holder = new Database(path);
  holder.pragma("journal_mode = WAL");
  holder.exec("CREATE TABLE t (n INTEGER)");
  const waiter = new Database(path);
  waiter.pragma("busy_timeout = 0");
  holder.exec("BEGIN IMMEDIATE");
  return { holder, waiter, release: () => holder.exec("COMMIT") };
}

describe("SQLITE_BUSY is recognised however it is wrapped", () => {
  it("the driver's own error and drizzle's wrapped one (a DrizzleQueryError whose cause is the driver's)", () => {
    const { holder, waiter, release } = lockedFile();
    const raw = (() => {
      try {
        waiter.exec("INSERT INTO t VALUES (1)");
      } catch (error) {
        return error;
      }
    })();
    const wrapped = (() => {
      try {
        drizzle(waiter).run(sql`INSERT INTO t VALUES (2)`);
      } catch (error) {
        return error;
      }
    })();
    expect((raw as { code?: string }).code).toBe("SQLITE_BUSY");
    // drizzle's error carries no code of its own, only the driver's as its cause.
    expect((wrapped as { code?: string }).code).toBeUndefined();
    expect((wrapped as { cause?: { code?: string } }).cause?.code).toBe("SQLITE_BUSY");
    expect(isBusyError(raw)).toBe(true);
    expect(isBusyError(wrapped)).toBe(true);
    // Not every error is busy: only the code counts, not a message that mentions it.
    release();
    expect(isBusyError(new Error("SQLITE_BUSY in a message only"))).toBe(false);
    holder.close();
    waiter.close();
  });

  it("a drizzle write that meets the lock is retried and lands once the lock is released", async () => {
    const { holder, waiter, release } = lockedFile();
    setTimeout(release, 30);
    await retryWhenBusy(() => drizzle(waiter).run(sql`INSERT INTO t VALUES (3)`));
    expect(waiter.prepare("SELECT n FROM t").all()).toEqual([{ n: 3 }]);
    holder.close();
    waiter.close();
  });

  it("with no busy_timeout, a lock held for most of the minimum retry time is still waited out (not just the attempt count)", async () => {
    const { holder, waiter, release } = lockedFile();
    // 12 attempts with no busy_timeout give up within about 1–2 s of back-off.
    const heldMs = BUSY_RETRY_MIN_MS - 3000;
    setTimeout(release, heldMs);
    const startedAt = performance.now();
    await retryWhenBusy(() => waiter.prepare("INSERT INTO t VALUES (4)").run());
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(heldMs - 50);
    expect(waiter.prepare("SELECT n FROM t").all()).toEqual([{ n: 4 }]);
    holder.close();
    waiter.close();
  }, 20_000);
});
