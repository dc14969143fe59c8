import { newTaskSchema, type NewTask, type Page, type Task, type TaskFilter } from "../../domain/task.js";
import type { AcquireResult, Lock, LockMetadata } from "../../domain/lock.js";
import { IllegalTransitionError, LeaseLostError, NotFoundError, StaleFencingTokenError, ValidationError } from "../../errors.js";
import { parseOrThrow } from "../../validation.js";
import { foldTask, lockOf, type ClaimView, type TaskView } from "./fold/task-fold.js";
import type { TaskSource } from "./fold/task-source.js";
import { leaseCheckFrom, type WorkerView } from "./fold/worker-fold.js";
import type { GithubContext } from "./github-context.js";
import { toJsonValue } from "./json-value.js";
import { PURPOSE_LABELS, SENTINEL_LABEL, taskIdOf, taskNonceOf } from "./records/issue-kinds.js";
import type { AttemptEnd, ClaimRecord, EventEntry, TaskOpRecord, TaskRecord } from "./records/record-schemas.js";
import type { StoredRecord } from "./repo-mirror.js";
import { renderTaskBody } from "./task-body.js";
import { settleClaims } from "./lock-settle.js";
import {
  acquireSchema,
  claimableSchema,
  claimSchema,
  failureSchema,
  filterSchema,
  operatorSchema,
  requeueSchema,
  tokenSchema,
} from "./validation-schemas.js";
import type { WorkerStore } from "./worker-store.js";

const MAX_PARAMS_CHARS = 24_000;
const MAX_RESULT_CHARS = 24_000;
const MAX_ERROR_CHARS = 4000;

interface Loaded {
  source: TaskSource;
  view: TaskView;
  workers: Map<string, WorkerView>;
  now: number;
}

/**
 * Tasks and their locks on GitHub. Decisions (acquire, start, fenced writes) read the task's
 * issue and the registry straight from GitHub (conditional GETs); listings fold the mirror.
 */
export class TaskStore {
  /**
   * Claim comments this process posted and has not ended. Only these are PATCHed in place:
   * workers usually share one login, so the comment's author cannot tell whose claim it is,
   * and two processes PATCHing one comment would overwrite each other. Anyone else ends an
   * attempt with an op comment, ordered by id and confirmed after the settle delay.
   */
  private readonly ownClaims = new Set<number>();

  constructor(
    private readonly ctx: GithubContext,
    private readonly workers: WorkerStore,
  ) {}

  // ── reading ────────────────────────────────────────────────────────────────────
  /** Trusted task issues, one per nonce (a duplicated create keeps the lowest number). */
  sources(): TaskSource[] {
    const byNonce = new Map<string, TaskSource>();
    for (const entry of this.ctx.mirror.issuesOf("task")) {
      const body = entry.body;
      if (!body || body.k !== "task" || !this.ctx.isAllowed(entry.issue.author)) continue;
      const source: TaskSource = {
        issueNumber: entry.issue.number,
        nonce: body.n,
        spec: body.spec,
        createdAt: Math.max(body.at, Date.parse(entry.issue.createdAt)),
        issueId: entry.issue.id,
        issueCreatedAt: entry.issue.createdAt,
        events: body.ev,
      };
      const seen = byNonce.get(body.n);
      if (!seen || seen.issueNumber > source.issueNumber) byNonce.set(body.n, source);
    }
    return [...byNonce.values()];
  }

  /** The task of an issue (duplicates of a create share its nonce: see taskIdOf). */
  private source(issueNumber: number): TaskSource | null {
    const entry = this.ctx.mirror.issue(issueNumber);
    const nonce = entry?.body?.k === "task" ? entry.body.n : null;
    return nonce === null ? null : this.sourceByNonce(nonce);
  }

  private sourceByNonce(nonce: string): TaskSource | null {
    return this.sources().find((source) => source.nonce === nonce) ?? null;
  }

  /** The task of an id, refreshing the mirror once if another process created it. */
  private async resolve(taskId: string): Promise<TaskSource | null> {
    const nonce = taskNonceOf(taskId);
    if (nonce === null) return null;
    const known = this.sourceByNonce(nonce);
    if (known) return known;
    await this.ctx.mirror.refresh();
    return this.sourceByNonce(nonce);
  }

  /** Fresh read of one task: its issue's comments and the registry, straight from GitHub. */
  async load(taskId: string): Promise<Loaded | null> {
    const source = await this.resolve(taskId);
    if (!source) return null;
    const [records, workers] = await Promise.all([this.ctx.mirror.readIssue(source.issueNumber), this.workers.views()]);
    const now = this.ctx.now();
    return { source, view: foldTask(source, records, now, leaseCheckFrom(workers, now)), workers, now };
  }

  /** Fold one task from the mirror right after our own write (read-your-writes; no request). */
  private refold(taskId: string): Task {
    const nonce = taskNonceOf(taskId);
    const source = nonce === null ? null : this.sourceByNonce(nonce);
    if (!source) throw new NotFoundError("task", taskId);
    const workers = this.workers.cachedViews();
    const now = this.ctx.now();
    return foldTask(source, this.ctx.mirror.recordsOf(source.issueNumber), now, leaseCheckFrom(workers, now)).task;
  }

  private async require(taskId: string): Promise<Loaded> {
    const loaded = await this.load(taskId);
    if (!loaded) throw new NotFoundError("task", taskId);
    return loaded;
  }

  /** Fold every task from the mirror (no per-task requests). */
  async foldAll(): Promise<Array<{ source: TaskSource; view: TaskView }>> {
    await this.ctx.mirror.refreshIfStale();
    const workers = this.workers.cachedViews();
    const now = this.ctx.now();
    const lease = leaseCheckFrom(workers, now);
    return this.sources().map((source) => ({ source, view: foldTask(source, this.ctx.mirror.recordsOf(source.issueNumber), now, lease) }));
  }

  async get(taskId: string): Promise<Task | null> {
    return (await this.load(taskId))?.view.task ?? null;
  }

  async list(filter: TaskFilter): Promise<Page<Task>> {
    const f = parseOrThrow(filterSchema, filter, "filter");
    const after = f.cursor ? decodeCursor(f.cursor) : null;
    const search = f.search?.toLowerCase();
    // Newest first (by issue number); the cursor is the last issue number of the previous page.
    const matches = (await this.foldAll())
      .map(({ source, view }) => ({ number: source.issueNumber, task: view.task }))
      .filter(({ task }) => !f.states || f.states.includes(task.state))
      .filter(({ task }) => !f.types || f.types.includes(task.type))
      .filter(({ task }) => !f.workerId || task.workerId === f.workerId)
      .filter(({ task }) => !search || [task.id, task.title, task.type, JSON.stringify(task.params)].some((text) => text.toLowerCase().includes(search)))
      .sort((a, b) => b.number - a.number)
      .filter(({ number }) => after === null || number < after);
    const page = matches.slice(0, f.limit);
    const last = page.at(-1);
    return { items: page.map(({ task }) => task), nextCursor: matches.length > f.limit && last ? encodeCursor(last.number) : null };
  }

  async listClaimable(opts: { types: string[]; workerId: string; limit: number }): Promise<Task[]> {
    const { types, workerId, limit } = parseOrThrow(claimableSchema, opts, "options");
    if (types.length === 0) return [];
    const now = this.ctx.now();
    const folded = await this.foldAll();
    const candidates: Array<{ number: number; task: Task }> = [];
    for (const { source, view } of folded) {
      if (!isClaimableFor(view.task, types, workerId, now)) continue;
      if (view.holder) {
        // A loser's claim is deleted, but deletions never appear in `since` lists: re-read
        // the issue when an unstarted claim has outlived the settle window.
        if (view.holder.stored.record.start || view.applied.has(view.holder.stored.id) || now - view.holder.lock.acquiredAt < 2 * this.ctx.options.settleDelayMs + 1000) continue;
        const fresh = await this.load(view.task.id);
        if (!fresh || fresh.view.holder || !isClaimableFor(fresh.view.task, types, workerId, now)) continue;
        candidates.push({ number: source.issueNumber, task: fresh.view.task });
      } else {
        candidates.push({ number: source.issueNumber, task: view.task });
      }
    }
    return candidates
      .sort((a, b) => b.task.priority - a.task.priority || a.task.createdAt - b.task.createdAt || a.number - b.number)
      .slice(0, limit)
      .map(({ task }) => task);
  }

  // ── creating ───────────────────────────────────────────────────────────────────
  async create(input: NewTask, actor: string): Promise<Task> {
    const task = parseOrThrow(newTaskSchema, input, "task");
    parseOrThrow(operatorSchema.shape.actor, actor, "actor");
    const params = toJsonValue(task.params, "params", MAX_PARAMS_CHARS);
    const now = this.ctx.now();
    const spec = {
      type: task.type,
      title: task.title ?? task.type,
      priority: task.priority,
      params,
      maxAttempts: task.maxAttempts,
      timeoutMs: task.timeoutMs,
      delayMs: task.delayMs,
      pinnedWorkerId: task.pinnedWorkerId,
      affinityKey: task.affinityKey,
    };
    const ev = [this.ctx.entry("task.created", { taskId: null, workerId: null, actor, data: { type: task.type, priority: task.priority, pinnedWorkerId: task.pinnedWorkerId } })];
    const payload: TaskRecord = { k: "task", n: this.ctx.nonce(), at: now, ev, spec, actor };
    const body = renderTaskBody(this.ctx, payload);
    const labels = [`type:${task.type}`, `priority:${task.priority}`, "state:queued"];
    const issue = await this.ctx.createIssue("task", spec.title, body, labels);
    const source = this.source(issue.number);
    if (!source) throw new Error(`task issue #${issue.number} failed verification (check SENTINEL_HMAC_SECRET and allowed authors)`);
    // A new issue has no comments yet: fold without reading it back.
    return foldTask(source, [], this.ctx.now(), () => false).task;
  }

  // ── locks ──────────────────────────────────────────────────────────────────────
  async acquire(req: { taskId: string; ownerId: string; ttlMs: number; metadata: LockMetadata }): Promise<AcquireResult> {
    const { ownerId, ttlMs, metadata } = parseOrThrow(acquireSchema, req, "lock");
    const loaded = await this.require(req.taskId);
    const taskId = loaded.view.task.id;
    const owner = this.workers.requireLiveLease(loaded.workers, ownerId, loaded.now);
    if (loaded.view.holder) return { acquired: false, holder: loaded.view.holder.lock };
    const claim = await this.postClaim(loaded.source.issueNumber, ownerId, owner.registration.record.inc, ttlMs, metadata);
    const [outcome] = await settleClaims(this.ctx, this, [{ taskId, claim }]);
    if (!outcome) throw new NotFoundError("task", taskId);
    // No extra write to announce the win: `lock.acquired` is recorded with the start (the usual next step).
    if (outcome.won) return { acquired: true, lock: lockOf(taskId, outcome.claim) };
    if (!outcome.holder) throw new LeaseLostError(ownerId, "its claim is not live after the settle delay");
    return { acquired: false, holder: outcome.holder };
  }

  async release(taskId: string, token: number): Promise<void> {
    parseOrThrow(tokenSchema, token, "token");
    const { view, now } = await this.require(taskId);
    taskId = view.task.id;
    if (token !== view.lockSeq) throw new StaleFencingTokenError(taskId, token, view.lockSeq);
    const claim = view.holder?.stored.id === token ? view.holder : view.openClaims.find((c) => c.stored.id === token);
    if (!claim) return;
    const end: AttemptEnd = { state: "released", at: now };
    await this.endClaim(taskId, claim.stored, end, [this.ctx.entry("lock.released", { taskId, workerId: claim.lock.ownerId, actor: claim.lock.ownerId, data: { token } })], claim.lock.ownerId);
  }

  async forceRelease(taskId: string, opts: { actor: string; reason: string }): Promise<Lock | null> {
    const { actor, reason } = parseOrThrow(operatorSchema, opts, "options");
    const { view } = await this.require(taskId);
    taskId = view.task.id;
    const holder = view.holder;
    const ev = holder ? [this.ctx.entry("lock.force_released", { taskId, workerId: holder.lock.ownerId, actor, data: { token: holder.lock.token, reason } })] : [];
    await this.postOp(taskId, { op: "force-release", actor, reason, ev });
    return holder?.lock ?? null;
  }

  async getLock(taskId: string): Promise<Lock | null> {
    const loaded = await this.load(taskId);
    return loaded?.view.holder?.lock ?? null;
  }

  async listLocks(): Promise<Lock[]> {
    await this.ctx.mirror.refresh();
    const workers = await this.workers.views();
    const now = this.ctx.now();
    const lease = leaseCheckFrom(workers, now);
    const locks: Lock[] = [];
    for (const source of this.sources()) {
      const view = foldTask(source, this.ctx.mirror.recordsOf(source.issueNumber), now, lease);
      if (!view.holder) continue;
      const fresh = await this.load(view.task.id);
      if (fresh?.view.holder) locks.push(fresh.view.holder.lock);
    }
    return locks.sort((a, b) => a.token - b.token);
  }

  // ── transitions ────────────────────────────────────────────────────────────────
  async start(taskId: string, token: number, workerId: string): Promise<Task> {
    parseOrThrow(tokenSchema, token, "token");
    parseOrThrow(claimSchema.shape.workerId, workerId, "workerId");
    const { view } = await this.require(taskId);
    taskId = view.task.id;
    if (token !== view.lockSeq) throw new StaleFencingTokenError(taskId, token, view.lockSeq);
    const holder = view.holder;
    if (!holder || holder.stored.id !== token || holder.lock.ownerId !== workerId) throw new StaleFencingTokenError(taskId, token, null);
    // A claim-and-start that won is already the running attempt.
    if (view.applied.has(token) && view.task.state === "running" && view.task.fencingToken === token) return view.task;
    return this.startHeld(taskId, view, holder);
  }

  /**
   * Claim-and-start for a batch: each claim is posted as the attempt-to-be (`auto`), one
   * settle delay covers the batch, and the fold of the re-read decides — the winning claim
   * is the start, so a claimed task costs one write until it ends.
   */
  async claim(req: { workerId: string; taskIds: string[]; metadata: Omit<LockMetadata, "taskType"> }): Promise<Array<{ task: Task; lock: Lock }>> {
    const { workerId, taskIds, metadata } = parseOrThrow(claimSchema, req, "claim");
    const workers = await this.workers.views();
    const owner = this.workers.requireLiveLease(workers, workerId, this.ctx.now());
    if (owner.record.state !== "ACTIVE" && owner.record.state !== "BUSY") return [];
    const posted: Array<{ taskId: string; claim: StoredRecord<ClaimRecord> }> = [];
    for (const taskId of [...new Set(taskIds)]) {
      const loaded = await this.load(taskId);
      if (!loaded) continue;
      const { task } = loaded.view;
      if (loaded.view.holder || !isClaimableFor(task, owner.record.supportedTaskTypes, workerId, loaded.now)) continue;
      const over = loaded.view.openClaims.map((open) => open.stored.id);
      const ev = [
        this.ctx.entry("lock.acquired", { taskId: task.id, workerId, actor: workerId, data: { expiresAt: loaded.now + task.timeoutMs } }),
        this.ctx.entry("task.started", { taskId: task.id, workerId, actor: workerId, data: { attempt: task.attempts + 1 } }),
      ];
      const claim = await this.postClaim(loaded.source.issueNumber, workerId, owner.registration.record.inc, task.timeoutMs, { ...metadata, taskType: task.type }, { over, ev });
      posted.push({ taskId, claim });
    }
    const outcomes = await settleClaims(this.ctx, this, posted);
    const results: Array<{ task: Task; lock: Lock }> = [];
    for (const outcome of outcomes) {
      if (!outcome.won || !outcome.view?.holder) continue;
      results.push({ task: outcome.view.task, lock: outcome.view.holder.lock });
    }
    return results;
  }

  async storeResult(taskId: string, token: number, result: unknown): Promise<Task> {
    const value = toJsonValue(result ?? null, "result", MAX_RESULT_CHARS);
    const { view, attempt } = await this.fenceRunning(taskId, token, "result stored");
    taskId = view.task.id;
    const next: ClaimRecord = { ...attempt.record, stored: { result: value, at: this.ctx.now() }, rev: attempt.record.rev + 1 };
    const ev = [this.ctx.entry("task.result_stored", { taskId, workerId: view.task.workerId, actor: view.task.workerId ?? "unknown", data: { token } })];
    if (this.ownClaims.has(attempt.id) && attempt.id === token) {
      await this.ctx.patch(attempt, next, ev, claimLine(next, "stored a result"));
    } else {
      throw new StaleFencingTokenError(taskId, token, attempt.id);
    }
    return this.refold(taskId);
  }

  async complete(taskId: string, token: number, opts: { result?: unknown } = {}): Promise<Task> {
    const value = opts.result === undefined ? undefined : toJsonValue(opts.result, "result", MAX_RESULT_CHARS);
    const { view, attempt } = await this.fenceRunning(taskId, token, "succeeded");
    taskId = view.task.id;
    const now = this.ctx.now();
    const end: AttemptEnd = { state: "succeeded", at: now, ...(value === undefined ? {} : { result: value }) };
    const workerId = view.task.workerId;
    const ev = [
      this.ctx.entry("task.succeeded", { taskId, workerId, actor: workerId ?? "unknown", data: { token, attempt: view.task.attempts } }),
      this.ctx.entry("lock.released", { taskId, workerId, actor: workerId ?? "unknown", data: { token } }),
    ];
    await this.endAttempt(taskId, attempt, token, end, ev, workerId ?? "unknown");
    const done = this.refold(taskId);
    await this.mirrorLabels(done);
    return done;
  }

  async fail(taskId: string, token: number, error: { message: string; retryable: boolean; retryDelayMs: number }): Promise<Task> {
    const failure = parseOrThrow(failureSchema, error, "error");
    const { view, attempt } = await this.fenceRunning(taskId, token, "failed");
    taskId = view.task.id;
    const end = this.failureEnd(view.task, failure);
    const workerId = view.task.workerId;
    const ev = [
      this.ctx.entry(end.state === "failed" ? "task.failed" : "task.dead", {
        taskId,
        workerId,
        actor: workerId ?? "unknown",
        data: { attempt: view.task.attempts, maxAttempts: view.task.maxAttempts, error: end.error, retryable: failure.retryable, ...(end.runAt ? { runAt: end.runAt } : {}) },
      }),
      this.ctx.entry("lock.released", { taskId, workerId, actor: workerId ?? "unknown", data: { token } }),
    ];
    await this.endAttempt(taskId, attempt, token, end, ev, workerId ?? "unknown");
    const after = this.refold(taskId);
    if (after.state === "dead") await this.mirrorLabels(after);
    return after;
  }

  async cancel(taskId: string, opts: { actor: string; reason: string }): Promise<Task> {
    const { actor, reason } = parseOrThrow(operatorSchema, opts, "options");
    const { view } = await this.require(taskId);
    taskId = view.task.id;
    const from = view.task.state;
    if (from === "succeeded" || from === "dead" || from === "cancelled") throw new IllegalTransitionError("task", taskId, from, "cancelled");
    const ev = [...this.revokeEntries(taskId, view, actor, `task cancelled: ${reason}`), this.ctx.entry("task.cancelled", { taskId, workerId: view.task.workerId, actor, data: { from, reason } })];
    await this.postOp(taskId, { op: "cancel", actor, reason, ev });
    const after = this.refold(taskId);
    await this.mirrorLabels(after);
    return after;
  }

  async requeue(taskId: string, opts: { actor: string; reason: string; pinnedWorkerId?: string | null; resetAttempts?: boolean }): Promise<Task> {
    const { actor, reason, pinnedWorkerId, resetAttempts } = parseOrThrow(requeueSchema, opts, "options");
    const { view } = await this.require(taskId);
    taskId = view.task.id;
    const from = view.task.state;
    if (from === "succeeded") throw new IllegalTransitionError("task", taskId, from, "queued");
    const ev: EventEntry[] = [
      ...this.revokeEntries(taskId, view, actor, `task requeued: ${reason}`),
      this.ctx.entry("task.requeued", { taskId, workerId: view.task.workerId, actor, data: { from, reason, resetAttempts: resetAttempts ?? false } }),
    ];
    if (pinnedWorkerId !== undefined && pinnedWorkerId !== view.task.pinnedWorkerId) {
      ev.push(this.ctx.entry("task.pinned", { taskId, workerId: pinnedWorkerId, actor, data: { pinnedWorkerId, previous: view.task.pinnedWorkerId } }));
    }
    await this.postOp(taskId, {
      op: "requeue",
      actor,
      reason,
      ev,
      ...(pinnedWorkerId === undefined ? {} : { pinnedWorkerId }),
      ...(resetAttempts ? { resetAttempts } : {}),
    });
    const after = this.refold(taskId);
    await this.mirrorLabels(after);
    return after;
  }

  /** Revoke the locks and fail the running attempts a lapsed incarnation of `workerId` still holds. */
  async recoverWorker(workerId: string, reason: string): Promise<void> {
    for (const { source, view } of await this.foldAll()) {
      const holdsLock = view.openClaims.some((claim) => claim.lock.ownerId === workerId);
      const running = view.task.state === "running" && view.task.workerId === workerId;
      if (!holdsLock && !running) continue;
      const taskId = taskIdOf(source.nonce);
      const fresh = await this.load(taskId);
      if (!fresh) continue;
      const task = fresh.view.task;
      if (task.state === "running" && task.workerId === workerId && task.fencingToken !== null) {
        const end = this.failureEnd(task, { message: reason, retryable: true, retryDelayMs: 0 });
        const ev = [
          this.ctx.entry("lock.force_released", { taskId, workerId, actor: workerId, data: { token: task.fencingToken, reason } }),
          this.ctx.entry(end.state === "failed" ? "task.failed" : "task.dead", { taskId, workerId, actor: workerId, data: { attempt: task.attempts, maxAttempts: task.maxAttempts, error: end.error, retryable: true } }),
        ];
        await this.postOp(taskId, { op: "recover", token: task.fencingToken, end, actor: workerId, reason, ev });
      } else if (fresh.view.openClaims.some((claim) => claim.lock.ownerId === workerId)) {
        await this.postOp(taskId, { op: "force-release", actor: workerId, reason, ev: this.revokeEntries(taskId, fresh.view, workerId, reason) });
      }
    }
  }

  // ── internals ──────────────────────────────────────────────────────────────────
  /** The issue holding a task's records. */
  private issueOf(taskId: string): number | null {
    const nonce = taskNonceOf(taskId);
    return (nonce === null ? null : this.sourceByNonce(nonce))?.issueNumber ?? null;
  }

  /** Used by lock-settle: re-read a task and judge its claims. */
  async reload(taskId: string): Promise<Loaded | null> {
    return this.load(taskId);
  }

  async deleteClaim(claim: StoredRecord<ClaimRecord>): Promise<void> {
    this.ownClaims.delete(claim.id);
    await this.ctx.remove(claim);
  }

  private async postClaim(
    issueNumber: number,
    ownerId: string,
    inc: string,
    ttlMs: number,
    meta: LockMetadata,
    autoStart?: { over: number[]; ev: EventEntry[] },
  ): Promise<StoredRecord<ClaimRecord>> {
    const payload: ClaimRecord = { k: "claim", n: this.ctx.nonce(), at: this.ctx.now(), ev: autoStart?.ev ?? [], owner: ownerId, ttlMs, inc, meta, rev: 0 };
    if (autoStart) Object.assign(payload, { auto: true, over: autoStart.over });
    const posted = await this.ctx.post(issueNumber, payload, claimLine(payload, autoStart ? "claims and starts this task" : "claims this task"));
    this.ownClaims.add(posted.id);
    return posted;
  }

  private async startHeld(taskId: string, view: TaskView, holder: ClaimView): Promise<Task> {
    const task = view.task;
    if (task.state !== "queued" && task.state !== "failed") throw new IllegalTransitionError("task", taskId, task.state, "running");
    if (task.pinnedWorkerId !== null && task.pinnedWorkerId !== holder.lock.ownerId) {
      throw new ValidationError("workerId", `the worker task ${taskId} is pinned to (${task.pinnedWorkerId})`, holder.lock.ownerId);
    }
    const now = this.ctx.now();
    const attempt = task.attempts + 1;
    const claim = holder.stored;
    const next: ClaimRecord = { ...claim.record, start: { at: now, attempt }, rev: claim.record.rev + 1 };
    const owner = holder.lock.ownerId;
    const ev = [this.ctx.entry("task.started", { taskId, workerId: owner, actor: owner, data: { attempt, token: claim.id } })];
    if (!claim.record.ev.some((entry) => entry.kind === "lock.acquired")) {
      ev.unshift(this.ctx.entry("lock.acquired", { taskId, workerId: owner, actor: owner, data: { token: claim.id, expiresAt: holder.lock.expiresAt } }));
    }
    if (!this.ownClaims.has(claim.id)) throw new StaleFencingTokenError(taskId, claim.id, null);
    await this.ctx.patch(claim, next, ev, claimLine(next, `runs attempt ${attempt}`));
    return this.refold(taskId);
  }

  /** The fence for writes of a running attempt (same rule as every backend). */
  private async fenceRunning(taskId: string, token: number, target: string): Promise<{ view: TaskView; attempt: StoredRecord<ClaimRecord> }> {
    parseOrThrow(tokenSchema, token, "token");
    const { view } = await this.require(taskId);
    taskId = view.task.id;
    if (token !== view.lockSeq) throw new StaleFencingTokenError(taskId, token, view.lockSeq);
    if (view.task.state !== "running") throw new IllegalTransitionError("task", taskId, view.task.state, target);
    if (view.task.fencingToken !== token) throw new StaleFencingTokenError(taskId, token, view.task.fencingToken);
    const attempt = this.attemptClaim(taskId, view);
    return { view, attempt };
  }

  /** The claim comment of the running attempt (the token may have been handed to a revoke op). */
  private attemptClaim(taskId: string, view: TaskView): StoredRecord<ClaimRecord> {
    const issue = this.issueOf(taskId);
    const claims = (issue === null ? [] : this.ctx.mirror.recordsOf(issue)).filter(
      (stored): stored is StoredRecord<ClaimRecord> => stored.record.k === "claim" && (stored.record.start !== undefined || stored.record.auto === true) && view.applied.has(stored.id),
    );
    const attempt = claims.at(-1);
    if (!attempt) throw new NotFoundError("lock", taskId);
    return attempt;
  }

  /**
   * Finish the attempt: PATCH our own claim into the outcome (one write); anyone else (a
   * monitor failing a dead worker's task) posts an `end` op and waits to see it take effect,
   * because a concurrent end by the holder or another monitor may come first in the fold.
   */
  private async endAttempt(taskId: string, attempt: StoredRecord<ClaimRecord>, token: number, end: AttemptEnd, ev: EventEntry[], actor: string): Promise<void> {
    if (attempt.id === token && this.ownClaims.has(attempt.id)) {
      await this.endClaim(taskId, attempt, end, ev, actor);
      return;
    }
    const op = await this.postOp(taskId, { op: "end", token, end, actor, reason: end.state, ev });
    await this.ctx.sleep(this.ctx.options.settleDelayMs);
    const { view } = await this.require(taskId);
    if (!view.applied.has(op.id)) throw new StaleFencingTokenError(taskId, token, view.task.state === "running" ? view.lockSeq : null);
  }

  private async endClaim(taskId: string, claim: StoredRecord<ClaimRecord>, end: AttemptEnd, ev: EventEntry[], actor: string): Promise<void> {
    if (this.ownClaims.has(claim.id)) {
      const next: ClaimRecord = { ...claim.record, end, rev: claim.record.rev + 1 };
      await this.ctx.patch(claim, next, ev, claimLine(next, end.state === "released" ? "released the lock" : `finished: ${end.state}`));
      this.ownClaims.delete(claim.id);
      return;
    }
    await this.postOp(taskId, { op: "end", token: claim.id, end, actor, reason: end.state, ev });
  }

  private failureEnd(task: Task, failure: { message: string; retryable: boolean; retryDelayMs: number }): AttemptEnd {
    const now = this.ctx.now();
    const error = failure.message.slice(0, MAX_ERROR_CHARS);
    const retry = failure.retryable && task.attempts < task.maxAttempts;
    return retry ? { state: "failed", at: now, error, runAt: now + failure.retryDelayMs } : { state: "dead", at: now, error };
  }

  private revokeEntries(taskId: string, view: TaskView, actor: string, reason: string): EventEntry[] {
    const holder = view.holder;
    if (!holder) return [];
    return [this.ctx.entry("lock.force_released", { taskId, workerId: holder.lock.ownerId, actor, data: { token: holder.lock.token, reason } })];
  }

  private async postOp(taskId: string, fields: Omit<TaskOpRecord, "k" | "n" | "at">): Promise<StoredRecord<TaskOpRecord>> {
    const issue = this.issueOf(taskId);
    if (issue === null) throw new NotFoundError("task", taskId);
    const payload: TaskOpRecord = { k: "op", n: this.ctx.nonce(), at: this.ctx.now(), ...fields };
    return this.ctx.post(issue, payload, `sentinel: ${fields.op} by ${fields.actor}: ${fields.reason}`);
  }

  /** Labels and open/closed mirror the state for people browsing the repository (best effort; the records are the truth). */
  private async mirrorLabels(task: Task): Promise<void> {
    const issue = this.issueOf(task.id);
    if (issue === null) return;
    const labels = [SENTINEL_LABEL, PURPOSE_LABELS.task, `type:${task.type}`, `priority:${task.priority}`, `state:${task.state}`];
    const closed = task.state === "succeeded" || task.state === "dead" || task.state === "cancelled";
    try {
      const updated = await this.ctx.api.updateIssue(issue, { labels, state: closed ? "closed" : "open" });
      this.ctx.mirror.noteIssue(updated);
    } catch (error) {
      this.ctx.options.log?.("warn", "could not mirror task state to issue labels", { task: task.id, error: (error as Error).message });
    }
  }
}

function isClaimableFor(task: Task, types: string[], workerId: string, now: number): boolean {
  return (
    (task.state === "queued" || task.state === "failed") &&
    task.runAt <= now &&
    types.includes(task.type) &&
    (task.pinnedWorkerId === null || task.pinnedWorkerId === workerId)
  );
}

function claimLine(claim: ClaimRecord, what: string): string {
  return `sentinel: worker \`${claim.owner}\` ${what}`;
}

function encodeCursor(issueNumber: number): string {
  return Buffer.from(JSON.stringify({ n: issueNumber }), "utf8").toString("base64url");
}

function decodeCursor(cursor: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { n?: unknown };
    if (typeof parsed.n === "number" && Number.isInteger(parsed.n)) return parsed.n;
  } catch {
    // reported as the validation error below
  }
  throw new ValidationError("cursor", "a nextCursor value returned by listTasks", cursor);
}
