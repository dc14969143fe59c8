import { describe, expect, it } from "vitest";
import { VersionedTable } from "../src/state/versioned-table.js";

describe("VersionedTable (replica model)", () => {
  it("lets rows become visible out of insertion order, as GitHub readers can see id N+1 before N", () => {
    const table = new VersionedTable<string>();
    table.put(1, "first", 300, 0);
    table.put(2, "second", 100, 0);
    expect(table.visibleValues(150)).toEqual(["second"]);
    expect(table.visibleValues(300)).toEqual(["first", "second"]);
    expect(table.latestValues()).toEqual(["first", "second"]);
  });

  it("never shows an older write once a newer one has replicated", () => {
    const table = new VersionedTable<string>();
    table.put(1, "v1", 0, 0);
    table.put(1, "v2", 500, 10);
    table.put(1, "v3", 200, 20);
    expect(table.visible(1, 100)).toBe("v1");
    expect(table.visible(1, 250)).toBe("v3");
    expect(table.visible(1, 600)).toBe("v3");
    expect(table.latest(1)).toBe("v3");
  });

  it("treats a deletion as a write that replicates too", () => {
    const table = new VersionedTable<string>();
    table.put(1, "row", 0, 0);
    table.put(1, undefined, 100, 50);
    expect(table.visible(1, 60)).toBe("row");
    expect(table.visible(1, 100)).toBeUndefined();
    expect(table.latest(1)).toBeUndefined();
  });
});
