import { EventLog } from "./event-log.js";
import { GithubContext } from "./github-context.js";
import { GithubStore } from "./github-store.js";
import { BudgetMeter } from "./http/budget-meter.js";
import { GithubApi } from "./http/github-api.js";
import { createGithubClient } from "./http/octokit-client.js";
import { ServerClock } from "./http/server-clock.js";
import { WritePacer } from "./http/write-pacer.js";
import { MemoryStore } from "./memory-store.js";
import { type GithubStoreOptions, resolveGithubStoreOptions } from "./options.js";
import { RepoMirror } from "./repo-mirror.js";
import { SettingsStore } from "./settings-store.js";
import { TaskStore } from "./task-store.js";
import { TrustFilter } from "./trust/trust-filter.js";
import { WorkerStore } from "./worker-store.js";

export { GithubStore } from "./github-store.js";
export { heartbeatStretchFor } from "./heartbeat-budget.js";
export type { BudgetSnapshot, EffectiveBudget } from "./http/budget-meter.js";
export { type GithubStoreLog, type GithubStoreOptions, githubStoreOptionsFromEnv } from "./options.js";
export type { TrustStats } from "./trust/trust-filter.js";

/** One server clock per API host: stores of one process share a calibration (monotonic time is process-wide). */
const calibratedOffsets = new Map<string, number>();

/**
 * Open the GitHub backend: validates the options, learns the token's login (GET /user —
 * also the default allowed author), and loads the mirror of the repository's sentinel issues.
 */
export async function openGithubStore(input: GithubStoreOptions): Promise<GithubStore> {
  const options = resolveGithubStoreOptions(input);
  const calibrated = calibratedOffsets.get(options.baseUrl);
  const clock = new ServerClock(calibrated);
  const meter = new BudgetMeter({
    lowBudgetRatio: options.lowBudgetRatio,
    maxHeartbeatStretch: options.maxHeartbeatStretch,
    batchWindowMs: options.batchWindowMs,
    storeNow: () => (clock.hasSample() ? clock.now() : null),
  });
  const client = createGithubClient({ options, meter, clock });
  // Who shares the login's write budget is known once the registry is read (set below).
  let loginShare = (): { writersOnLogin: number; ownWorkers: number } => ({ writersOnLogin: 1, ownWorkers: 0 });
  const pacer = new WritePacer({ budget: options.writeBudget, now: () => clock.now(), share: () => loginShare() });
  const api = new GithubApi(client, options.owner, options.repo, pacer);
  const login = await api.authenticatedLogin();
  if (calibrated === undefined) {
    await clock.calibrate(() => client.request("GET /rate_limit"));
    const offset = clock.offset();
    if (offset !== null) calibratedOffsets.set(options.baseUrl, offset);
  }
  const trust = new TrustFilter(options.hmacSecret, options.allowedAuthors ?? [login], options.log);
  const mirror = new RepoMirror(api, trust, {
    overlapMs: Math.max(2000, 2 * options.settleDelayMs),
    ownGraceMs: Math.max(10_000, 4 * options.settleDelayMs),
    refreshIntervalMs: options.refreshIntervalMs,
  });
  const ctx = new GithubContext(options, api, mirror, clock, meter, pacer, login);
  await mirror.refresh();
  const workers = new WorkerStore(ctx);
  loginShare = () => workers.loginShare();
  meter.attach({
    share: () => pacer.share(),
    paced: () => pacer.stats(),
    lastHeartbeat: () => workers.lastHeartbeat(),
  });
  const tasks = new TaskStore(ctx, workers);
  workers.recoverWorker = (workerId, reason) => tasks.recoverWorker(workerId, reason);
  return new GithubStore({
    ctx,
    trust,
    workers,
    tasks,
    memory: new MemoryStore(ctx),
    events: new EventLog(ctx, tasks),
    settings: new SettingsStore(ctx),
  });
}
