import { toGitHubTimestamp } from "../clock.js";
import type { EmulatorRepoOptions } from "../options.js";
import { type IdCounters, type RepoSnapshot, RepoState } from "./repo-state.js";

export interface StateSnapshot {
  version: 1;
  ids: IdCounters;
  repos: RepoSnapshot[];
}

export interface EmulatorStateOptions {
  now(): number;
  readLagMs(): number;
}

/**
 * Ids start above 2^31 so clients that squeeze them into 32-bit integers break here,
 * as they would against github.com (comment ids passed 2^31 years ago).
 */
const FIRST_IDS: IdCounters = { repo: 700_000_000, issue: 3_100_000_000, comment: 3_000_000_000, label: 8_000_000_000 };

export class EmulatorState {
  readonly ids: IdCounters = { ...FIRST_IDS };
  private readonly repos = new Map<string, RepoState>();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly options: EmulatorStateOptions) {}

  /** Repository lookup is case-insensitive, as on GitHub. */
  repo(owner: string, name: string): RepoState | undefined {
    return this.repos.get(repoKey(owner, name));
  }

  repoById(id: number): RepoState | undefined {
    for (const repo of this.repos.values()) if (repo.record.id === id) return repo;
    return undefined;
  }

  allRepos(): RepoState[] {
    return [...this.repos.values()];
  }

  ensureRepo(options: EmulatorRepoOptions): RepoState {
    const existing = this.repo(options.owner, options.name);
    if (existing) return existing;
    const repo = this.addRepo({
      id: this.ids.repo++,
      owner: options.owner,
      name: options.name,
      private: options.private ?? false,
      createdAt: toGitHubTimestamp(this.options.now()),
    });
    this.notify();
    return repo;
  }

  /** Called after every mutation; persistence listens here. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  snapshot(): StateSnapshot {
    return { version: 1, ids: { ...this.ids }, repos: this.allRepos().map((repo) => repo.snapshot()) };
  }

  restore(snapshot: StateSnapshot): void {
    Object.assign(this.ids, snapshot.ids);
    for (const repoSnapshot of snapshot.repos) {
      const repo = this.repo(repoSnapshot.record.owner, repoSnapshot.record.name) ?? this.addRepo(repoSnapshot.record);
      repo.restore(repoSnapshot);
    }
  }

  private addRepo(record: RepoSnapshot["record"]): RepoState {
    const repo = new RepoState(record, {
      ids: this.ids,
      now: this.options.now,
      readLagMs: this.options.readLagMs,
      changed: () => this.notify(),
    });
    this.repos.set(repoKey(record.owner, record.name), repo);
    return repo;
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}

function repoKey(owner: string, name: string): string {
  return `${owner}/${name}`.toLowerCase();
}
