import { AuditStore } from "./audit-store.js";
import { EventLog } from "./event-log.js";
import { GithubContext } from "./github-context.js";
import { GithubStore } from "./github-store.js";
import { BudgetMeter } from "./http/budget-meter.js";
import { calibrationProbe } from "./http/calibration-probe.js";
import { GithubApi } from "./http/github-api.js";
import { resolveLogin } from "./http/identity.js";
import { createGithubClient } from "./http/octokit-client.js";
import { ServerClock } from "./http/server-clock.js";
import { WritePacer } from "./http/write-pacer.js";
import { MemoryStore } from "./memory-store.js";
import { type GithubStoreOptions, resolveGithubStoreOptions } from "./options.js";
import { ReadLagTracker } from "./read-lag.js";
import { RegistryReader } from "./registry-reader.js";
import { RepoMirror } from "./repo-mirror.js";
import { GithubScheduleStore } from "./schedule-store.js";
import { SettingsStore } from "./settings-store.js";
import { TaskLogs } from "./task-logs.js";
import { DependencyStates } from "./tasks/dependency-states.js";
import { TaskAttempts } from "./tasks/task-attempts.js";
import { TaskIssueRepair } from "./tasks/task-issue-repair.js";
import { TaskLocks } from "./tasks/task-locks.js";
import { TaskOperatorOps } from "./tasks/task-operator-ops.js";
import { TaskQueries } from "./tasks/task-queries.js";
import { TaskReader } from "./tasks/task-reader.js";
import { TaskWriter } from "./tasks/task-writer.js";
import { TypeLimitGate } from "./tasks/type-limit-gate.js";
import { TrustFilter } from "./trust/trust-filter.js";
import { TypeLimitStore } from "./type-limit-store.js";
import { TypePauseStore } from "./type-pause-store.js";
import { WorkerStore } from "./worker-store.js";

export { GithubStore } from "./github-store.js";
export { heartbeatStretchFor } from "./heartbeat-budget.js";
export type { BudgetSnapshot } from "./http/budget-meter.js";
export { type GithubStoreLog, type GithubStoreOptions, githubStoreOptionsFromEnv } from "./options.js";
export type { TrustStats } from "./trust/trust-filter.js";

/** How far the deep check reaches back, in multiples of the largest read lag tolerated. */
const DEEP_CHECK_LAGS = 10;

/** One server clock per API host: stores of one process share a calibration (monotonic time is process-wide). */
const calibratedOffsets = new Map<string, number>();

/**
 * Open the GitHub backend: validates the options, learns the login it writes as (see
 * http/identity.ts — also the default allowed author), calibrates the store clock, and loads
 * the mirror of the repository's sentinel issues.
 */
export async function openGithubStore(input: GithubStoreOptions): Promise<GithubStore> {
  const options = resolveGithubStoreOptions(input);
  const calibrated = calibratedOffsets.get(options.baseUrl);
  const clock = new ServerClock(calibrated);
  const meter = new BudgetMeter({
    lowBudgetRatio: options.lowBudgetRatio,
    writeBudget: options.writeBudget,
    maxHeartbeatStretch: options.maxHeartbeatStretch,
    batchWindowMs: options.batchWindowMs,
    storeNow: () => (clock.hasSample() ? clock.now() : null),
  });
  const client = createGithubClient({ options, meter, clock });
  // The pacer's share depends on who writes on this login, which the worker store learns from
  // the registry, read through this same paced API: the one dependency that points back. It
  // is only asked when a write waits for room, and opening the store writes nothing, so
  // `workers` (below) exists by then.
  const pacer: WritePacer = new WritePacer({
    budget: options.writeBudget,
    now: () => clock.now(),
    share: () => workers.loginShare(),
  });
  const api = new GithubApi(client, options.owner, options.repo, pacer);
  const login = await resolveLogin(client, options);
  if (calibrated === undefined) {
    await clock.calibrate(await calibrationProbe(client, options.owner, options.repo));
    const offset = clock.offset();
    if (offset !== null) calibratedOffsets.set(options.baseUrl, offset);
  }
  const trust = new TrustFilter(
    options.hmacSecret,
    options.allowedAuthors ?? [login],
    options.log,
    options.maxSignatureAgeMs,
  );
  const mirror = new RepoMirror(api, trust, new ReadLagTracker(options.settleDelayMs, options.maxReadLagMs), {
    // Timestamps are whole seconds: one more second covers a write made late in the second it is dated.
    overlapMs: options.maxReadLagMs + 1000,
    deepCheck: { everyMs: options.deepCheckIntervalMs, windowMs: DEEP_CHECK_LAGS * options.maxReadLagMs },
    ownGraceMs: Math.max(10_000, 4 * options.settleDelayMs, options.maxReadLagMs),
    refreshIntervalMs: options.refreshIntervalMs,
    historyWindowMs: options.historyWindowMs,
    now: () => clock.now(),
  });
  const ctx = new GithubContext(options, api, mirror, clock, meter, pacer, login);
  await mirror.refresh();

  const registry = new RegistryReader(ctx);
  const taskReader = new TaskReader(ctx, registry);
  const writer = new TaskWriter(ctx, taskReader);
  const dependencies = new DependencyStates(ctx, taskReader);
  const operator = new TaskOperatorOps(ctx, taskReader, writer, dependencies);
  const logs = new TaskLogs(ctx, taskReader);
  const workers: WorkerStore = new WorkerStore(ctx, registry, operator);
  const pauses = new TypePauseStore(ctx);
  const limits = new TypeLimitStore(ctx);
  const limitGate = new TypeLimitGate(ctx, taskReader, registry, limits);
  return new GithubStore({
    ctx,
    trust,
    effective: {
      share: () => pacer.share(),
      paced: () => pacer.stats(),
      lastHeartbeat: () => workers.lastHeartbeat(),
      readLag: () => mirror.lag.stats(),
    },
    workers,
    taskReader,
    queries: new TaskQueries(
      ctx,
      taskReader,
      new TaskIssueRepair(ctx, taskReader, writer),
      pauses,
      limitGate,
      dependencies,
      operator,
    ),
    locks: new TaskLocks(ctx, registry, taskReader, writer),
    attempts: new TaskAttempts(ctx, registry, taskReader, writer, logs, pauses, dependencies, limitGate),
    operator,
    logs,
    memory: new MemoryStore(ctx),
    events: new EventLog(ctx, taskReader),
    settings: new SettingsStore(ctx),
    audit: new AuditStore(ctx),
    pauses,
    limits,
    schedules: new GithubScheduleStore(ctx, taskReader),
  });
}
