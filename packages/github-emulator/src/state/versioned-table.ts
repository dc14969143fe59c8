interface Version<T> {
  visibleAt: number;
  /** undefined marks a deletion. */
  value: T | undefined;
}

/**
 * Rows with a version history, to model GitHub's read replicas: writes land on the
 * primary at once (`latest`) but reads see a version only once its `visibleAt` has passed.
 * Keys are kept in insertion order, which is id order because ids only grow.
 */
export class VersionedTable<T> {
  private readonly rows = new Map<number, Version<T>[]>();

  put(key: number, value: T | undefined, visibleAt: number, now: number): void {
    const versions = this.rows.get(key) ?? [];
    versions.push({ visibleAt, value });
    this.rows.set(key, prune(versions, now));
  }

  latest(key: number): T | undefined {
    return this.rows.get(key)?.at(-1)?.value;
  }

  visible(key: number, now: number): T | undefined {
    const versions = this.rows.get(key);
    return versions ? visibleVersion(versions, now)?.value : undefined;
  }

  latestValues(): T[] {
    const values: T[] = [];
    for (const versions of this.rows.values()) {
      const value = versions.at(-1)?.value;
      if (value !== undefined) values.push(value);
    }
    return values;
  }

  visibleValues(now: number): T[] {
    const values: T[] = [];
    for (const versions of this.rows.values()) {
      const value = visibleVersion(versions, now)?.value;
      if (value !== undefined) values.push(value);
    }
    return values;
  }
}

/** The newest write that has reached the replica; later writes supersede earlier ones. */
function visibleVersion<T>(versions: Version<T>[], now: number): Version<T> | undefined {
  for (let index = versions.length - 1; index >= 0; index -= 1) {
    const version = versions[index];
    if (version && version.visibleAt <= now) return version;
  }
  return undefined;
}

/** Drops versions superseded by a newer write that is already visible. */
function prune<T>(versions: Version<T>[], now: number): Version<T>[] {
  const visible = visibleVersion(versions, now);
  return visible ? versions.slice(versions.indexOf(visible)) : versions;
}
