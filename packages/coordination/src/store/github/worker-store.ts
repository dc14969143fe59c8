import { isLeaseLive, type WorkerRecord, type WorkerRegistration, type WorkerState } from "../../domain/worker.js";
import type { WorkerMetricsRecord } from "../../domain/worker-metrics.js";
import {
  checkWorkerTransition,
  drainRequestMoves,
  heartbeatSteps,
  planRegistration,
} from "../../domain/worker-rules.js";
import { IllegalTransitionError, LeaseLostError, NotFoundError } from "../../errors.js";
import { parseOrThrow } from "../../validation.js";
import type { HeartbeatReport } from "../port.js";
import { heartbeatSchema, registrationSchema, transitionSchema } from "../port-schemas.js";
import { foldWorkers, type WorkerView } from "./fold/worker-fold.js";
import type { GithubContext } from "./github-context.js";
import { heartbeatStretchFor } from "./heartbeat-budget.js";
import type { EventEntry, WorkerOpRecord, WorkerRecordPayload } from "./records/record-schemas.js";
import type { RegistryReader } from "./registry-reader.js";
import { retireRotatedRegistries } from "./registry-retirement.js";
import type { StoredRecord } from "./repo-mirror.js";

const REGISTRY_TITLE = "sentinel: worker registry";

/** What the task side provides: recover what a lapsed incarnation still holds before its id is reused. */
export interface WorkerRecovery {
  recoverWorker(workerId: string, reason: string): Promise<void>;
}

/**
 * Workers on GitHub: one registration comment per worker on the registry issue, PATCHed
 * by each heartbeat (so `updated_at` is a server-side heartbeat time), plus ops others post
 * about a worker (monitor STALE/OFFLINE/REMOVED, operator drain/resume). See worker-fold.
 */
export class WorkerStore {
  /** Workers registered through this store (a process usually hosts one). */
  private readonly own = new Set<string>();
  private lastBeat: { heartbeatIntervalMs: number; leaseMs: number; stretch: number } | null = null;
  /** The registration write in flight per worker (see oneWriteAtATime). */
  private readonly writing = new Map<string, Promise<unknown>>();

  constructor(
    private readonly ctx: GithubContext,
    private readonly registry: RegistryReader,
    private readonly recovery: WorkerRecovery,
  ) {}

  /** Who shares this login's write budget, from the registry as the mirror last saw it (no request). */
  loginShare(): { writersOnLogin: number; ownWorkers: number } {
    const live = this.liveOnLogin(this.registry.cachedViews(), this.ctx.now());
    const ownWorkers = [...this.own].filter((id) => live.has(id)).length;
    return { writersOnLogin: live.size + (ownWorkers > 0 ? 0 : 1), ownWorkers };
  }

  /** The effective heartbeat interval and lease last written for a worker of this store. */
  lastHeartbeat(): { heartbeatIntervalMs: number; leaseMs: number; stretch: number } | null {
    return this.lastBeat;
  }

  /**
   * The stretch of `workerId`'s heartbeat interval and lease: its fair part of the login's
   * heartbeat budget (all live workers on the login, itself included), or the low-budget
   * stretch if that is larger.
   */
  private stretchFor(
    views: Map<string, WorkerView>,
    workerId: string,
    configuredIntervalMs: number,
    now: number,
  ): number {
    const live = this.liveOnLogin(views, now);
    live.add(workerId);
    const share = heartbeatStretchFor(configuredIntervalMs, live.size, this.ctx.options.writeBudget);
    return Math.ceil(Math.max(share, this.ctx.meter.heartbeatStretch()) * 1000) / 1000;
  }

  private liveOnLogin(views: Map<string, WorkerView>, now: number): Set<string> {
    const login = this.ctx.login.toLowerCase();
    const live = new Set<string>();
    for (const [id, view] of views)
      if (view.registration.author.toLowerCase() === login && isLeaseLive(view.record, now)) live.add(id);
    return live;
  }

  async register(input: WorkerRegistration): Promise<WorkerRecord> {
    const reg = parseOrThrow(registrationSchema, input, "registration");
    // Find (or open) the registry first, so the registration's timestamp is taken right before its write.
    await this.currentRegistry();
    const views = await this.registry.views();
    const existing = views.get(reg.id);
    const now = this.ctx.now();
    const plan = planRegistration(existing?.record, reg, now);
    const stretch = this.stretchFor(views, reg.id, reg.heartbeatIntervalMs, now);
    this.own.add(reg.id);
    if (existing && plan.kind === "refresh") {
      const current = existing.record;
      const payload: WorkerRecordPayload = {
        ...existing.registration.record,
        reg,
        state: current.state,
        stateChangedAt: current.stateChangedAt,
        drainRequested: current.drainRequested,
        basis: existing.lastOpId,
        at: now,
        stretch,
      };
      const added = [this.workerEntry("worker.registered", reg.id, reg.id, { refreshed: true, state: current.state })];
      return this.writeRegistration(existing, payload, added, views);
    }
    if (plan.kind === "fresh" && plan.recover !== null) await this.recovery.recoverWorker(reg.id, plan.recover);
    const payload: WorkerRecordPayload = {
      k: "worker",
      n: this.ctx.nonce(),
      at: now,
      ev: existing?.registration.record.ev ?? [],
      evBase: existing?.registration.record.evBase,
      reg,
      inc: this.ctx.nonce(),
      state: "ACTIVE",
      activeTasks: 0,
      registeredAt: now,
      stateChangedAt: now,
      drainRequested: false,
      basis: existing?.lastOpId ?? 0,
      rev: (existing?.registration.record.rev ?? -1) + 1,
      stretch,
    };
    const added = [
      this.workerEntry("worker.registered", reg.id, reg.id, {
        hostname: reg.hostname,
        pid: reg.pid,
        previousState: existing?.record.state ?? null,
      }),
      this.workerEntry("worker.state_changed", reg.id, reg.id, { from: "NEW", to: "ACTIVE", reason: "registered" }),
    ];
    return this.writeRegistration(existing, payload, added, views);
  }

  heartbeat(workerId: string, report: HeartbeatReport): Promise<WorkerRecord> {
    return this.oneWriteAtATime(workerId, () => this.writeHeartbeat(workerId, report));
  }

  private async writeHeartbeat(workerId: string, report: HeartbeatReport): Promise<WorkerRecord> {
    const { activeTasks, metrics } = parseOrThrow(heartbeatSchema, report, "report");
    const views = await this.registry.views();
    const view = views.get(workerId);
    if (!view) throw new LeaseLostError(workerId, "not registered");
    const current = view.record;
    const steps = heartbeatSteps(current, activeTasks);
    const next = steps.at(-1)?.to ?? current.state;
    const now = this.ctx.now();
    const previous = view.registration.record;
    const stretch = this.stretchFor(views, workerId, previous.reg.heartbeatIntervalMs, now);
    // Under budget pressure a heartbeat with no news, beaten early, is skipped while the lease written last time still
    // covers the gap (the record's interval and lease are already the stretched ones). A larger stretch is written at
    // once, so the worker learns to beat less often.
    const unchanged = steps.length === 0 && activeTasks === current.activeTasks && view.lastOpId === previous.basis;
    if (
      unchanged &&
      stretch > 1 &&
      stretch <= previous.stretch &&
      now - current.lastHeartbeatAt < current.heartbeatIntervalMs * 0.5
    ) {
      return current;
    }
    const added = steps.map(({ from, to, reason }) =>
      this.workerEntry("worker.state_changed", workerId, workerId, { from, to, reason }),
    );
    const payload: WorkerRecordPayload = {
      ...previous,
      state: next,
      activeTasks,
      at: now,
      stateChangedAt: steps.length === 0 ? current.stateChangedAt : now,
      drainRequested: current.drainRequested,
      basis: view.lastOpId,
      stretch,
      // Metrics ride on the heartbeat's PATCH: publishing them costs no request of their own.
      ...(metrics ? { metrics: { at: now, m: metrics } } : {}),
    };
    return this.writeRegistration(view, payload, added, views, { heartbeat: true });
  }

  transition(
    workerId: string,
    to: WorkerState,
    opts: { expectedFrom?: WorkerState[]; onlyIfLeaseExpired?: boolean; actor: string; reason: string },
  ): Promise<WorkerRecord> {
    return this.oneWriteAtATime(workerId, () => this.writeTransition(workerId, to, opts));
  }

  /**
   * A heartbeat and the worker's own transition each read the registration, then PATCH all
   * of it (GitHub has no conditional write). Side by side, the later PATCH wrote back the
   * state the earlier one had replaced: a drain's DRAINING lost to a heartbeat's ACTIVE, and
   * the worker's deregistration then failed ("ACTIVE → REMOVED"). In this process they take
   * turns; other processes never PATCH this comment (they post ops).
   */
  private oneWriteAtATime<T>(workerId: string, write: () => Promise<T>): Promise<T> {
    const next = (this.writing.get(workerId) ?? Promise.resolve()).catch(() => undefined).then(write);
    this.writing.set(workerId, next);
    const forget = () => {
      if (this.writing.get(workerId) === next) this.writing.delete(workerId);
    };
    next.then(forget, forget);
    return next;
  }

  private async writeTransition(
    workerId: string,
    to: WorkerState,
    opts: { expectedFrom?: WorkerState[]; onlyIfLeaseExpired?: boolean; actor: string; reason: string },
  ): Promise<WorkerRecord> {
    const checked = parseOrThrow(transitionSchema, { ...opts, to }, "transition");
    const views = await this.registry.viewsOf([workerId]);
    const view = views.get(workerId);
    if (!view) throw new NotFoundError("worker", workerId);
    const from = view.record.state;
    const now = this.ctx.now();
    const { drainRequested } = checkWorkerTransition(view.record, to, checked, now);
    const entry = this.workerEntry("worker.state_changed", workerId, checked.actor, {
      from,
      to,
      reason: checked.reason,
    });
    if (checked.actor === workerId && view.registration.author.toLowerCase() === this.ctx.login.toLowerCase()) {
      const previous = view.registration.record;
      const payload: WorkerRecordPayload = {
        ...previous,
        state: to,
        stateChangedAt: now,
        drainRequested,
        basis: view.lastOpId,
        at: previous.at,
      };
      return this.writeRegistration(view, payload, [entry], views);
    }
    const op = await this.postOp({
      worker: workerId,
      to,
      expectedFrom: [from],
      ...(checked.onlyIfLeaseExpired ? { onlyIfLeaseExpired: true } : {}),
      actor: checked.actor,
      reason: checked.reason,
      ev: [entry],
    });
    return this.confirmOp(workerId, op.id, from, to);
  }

  async requestDrain(workerId: string, actor: string): Promise<WorkerRecord> {
    parseOrThrow(transitionSchema.shape.actor, actor, "actor");
    const views = await this.registry.viewsOf([workerId]);
    const view = views.get(workerId);
    if (!view) throw new NotFoundError("worker", workerId);
    const from = view.record.state;
    const moves = drainRequestMoves(view.record);
    const ev: EventEntry[] = [this.workerEntry("worker.drain_requested", workerId, actor, { from })];
    if (moves)
      ev.push(
        this.workerEntry("worker.state_changed", workerId, actor, { from, to: "DRAINING", reason: "drain requested" }),
      );
    const op = await this.postOp({
      worker: workerId,
      drain: true,
      ...(moves ? { to: "DRAINING" as const } : {}),
      actor,
      reason: "drain requested",
      ev,
    });
    const after = (await this.registry.views()).get(workerId);
    if (!after) throw new NotFoundError("worker", workerId);
    if (!after.appliedOps.has(op.id))
      throw new IllegalTransitionError("worker", workerId, after.record.state, "DRAINING");
    return after.record;
  }

  async get(workerId: string): Promise<WorkerRecord | null> {
    return (await this.registry.viewsOf([workerId])).get(workerId)?.record ?? null;
  }

  async list(includeRemoved: boolean): Promise<WorkerRecord[]> {
    const records = [...(await this.registry.allViews()).values()].map((view) => view.record);
    return records
      .filter((record) => includeRemoved || record.state !== "REMOVED")
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** The metrics each worker not REMOVED last wrote into its registration comment. */
  async listMetrics(): Promise<WorkerMetricsRecord[]> {
    const out: WorkerMetricsRecord[] = [];
    for (const [workerId, view] of await this.registry.allViews()) {
      const published = view.registration.record.metrics;
      if (published && view.record.state !== "REMOVED")
        out.push({ workerId, reportedAt: published.at, metrics: published.m });
    }
    return out.sort((a, b) => (a.workerId < b.workerId ? -1 : a.workerId > b.workerId ? 1 : 0));
  }

  /**
   * A conditional op is acknowledged only after the settle delay and a re-read show it took
   * effect: two monitors racing both post, exactly one op applies, the other caller is told.
   */
  private async confirmOp(workerId: string, opId: number, from: WorkerState, to: WorkerState): Promise<WorkerRecord> {
    await this.ctx.sleep(this.ctx.settleDelayMs());
    const after = (await this.registry.views()).get(workerId);
    if (!after) throw new NotFoundError("worker", workerId);
    if (!after.appliedOps.has(opId))
      throw new IllegalTransitionError("worker", workerId, after.record.state === to ? from : after.record.state, to);
    return after.record;
  }

  private async postOp(fields: Omit<WorkerOpRecord, "k" | "n" | "at">): Promise<StoredRecord<WorkerOpRecord>> {
    const issue = await this.currentRegistry();
    const payload: WorkerOpRecord = { k: "wop", n: this.ctx.nonce(), at: this.ctx.now(), ...fields };
    const line = fields.to
      ? `worker \`${fields.worker}\` → ${fields.to} by ${fields.actor}: ${fields.reason}`
      : `drain of worker \`${fields.worker}\` requested by ${fields.actor}`;
    return this.ctx.post(issue, payload, `sentinel: ${line}`);
  }

  /** An event about a worker rather than a task, recorded as done by `actor`. */
  private workerEntry(kind: EventEntry["kind"], workerId: string, actor: string, data: EventEntry["data"]): EventEntry {
    return this.ctx.entry(kind, { taskId: null, workerId, actor, data });
  }

  private async writeRegistration(
    existing: WorkerView | undefined,
    payload: WorkerRecordPayload,
    added: EventEntry[],
    views: Map<string, WorkerView>,
    opts: { heartbeat?: boolean } = {},
  ): Promise<WorkerRecord> {
    const line = `sentinel: worker \`${payload.reg.id}\` on ${payload.reg.hostname} is ${payload.state} (${payload.activeTasks}/${payload.reg.maxConcurrency} tasks)`;
    const current = await this.currentRegistry();
    const mine = existing && existing.registration.author.toLowerCase() === this.ctx.login.toLowerCase();
    let stored: StoredRecord<WorkerRecordPayload>;
    if (mine && existing && existing.registration.issue === current) {
      stored = await this.ctx.patch(
        existing.registration,
        { ...payload, rev: existing.registration.record.rev + 1 },
        added,
        line,
        opts,
      );
    } else {
      // New worker, another login's record, or a rotated registry: a new comment on the current registry issue.
      const ev = [
        ...payload.ev.map((entry) =>
          entry.sat || !existing ? entry : { ...entry, sat: existing.registration.updatedAt },
        ),
        ...added,
      ];
      stored = await this.ctx.post(current, { ...payload, ev, n: this.ctx.nonce() }, line);
      if (mine && existing) await this.ctx.remove(existing.registration);
    }
    views.set(payload.reg.id, foldWorkers([stored, ...this.opsOf(payload.reg.id)]).get(payload.reg.id) as WorkerView);
    const view = views.get(payload.reg.id);
    if (!view) throw new NotFoundError("worker", payload.reg.id);
    if (this.own.has(payload.reg.id))
      this.lastBeat = {
        heartbeatIntervalMs: view.record.heartbeatIntervalMs,
        leaseMs: view.record.leaseMs,
        stretch: payload.stretch,
      };
    await this.rotateIfFull(current);
    await retireRotatedRegistries(this.ctx, await this.currentRegistry());
    return view.record;
  }

  private opsOf(workerId: string): StoredRecord[] {
    return this.ctx
      .openIssues("registry")
      .flatMap((entry) => this.ctx.mirror.recordsOf(entry.issue.number))
      .filter((stored) => stored.record.k === "wop" && stored.record.worker === workerId);
  }

  private async currentRegistry(): Promise<number> {
    return this.ctx.ensureIssue("registry", REGISTRY_TITLE);
  }

  /**
   * GitHub refuses comments past ~2,500 per issue: well before that a new registry issue is
   * opened; each worker moves its registration there on its next write, ops go there, and
   * readers read every open registry issue. The old issue is closed once nothing live is
   * left on it (see registry-retirement).
   */
  private async rotateIfFull(issueNumber: number): Promise<void> {
    if (!this.ctx.needsRotation("registry", REGISTRY_TITLE, issueNumber)) return;
    await this.ctx.createIssue(
      "registry",
      REGISTRY_TITLE,
      `Worker registry of Task Sentinel (continues #${issueNumber}).`,
    );
  }
}
