import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { defaultDataDir, defaultSqlitePath } from "@sentinel/coordination/sqlite";
import { afterEach, describe, expect, it } from "vitest";

describe("default SQLite location", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("uses SENTINEL_DATA_DIR when set, creating it", () => {
    const base = mkdtempSync(join(tmpdir(), "sentinel-data-"));
    dirs.push(base);
    const dir = join(base, "nested", "data");
    expect(defaultSqlitePath({ SENTINEL_DATA_DIR: dir })).toBe(join(dir, "sentinel.db"));
    expect(existsSync(dir)).toBe(true);
  });

  it("defaults to <repo>/data from any folder inside the workspace", () => {
    const repo = resolve(".");
    expect(defaultDataDir({}, join(repo, "packages", "coordination", "src"))).toBe(join(repo, "data"));
    expect(defaultSqlitePath({}, join(repo, "apps"))).toBe(join(repo, "data", "sentinel.db"));
  });
});
