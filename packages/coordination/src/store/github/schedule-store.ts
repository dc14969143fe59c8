import { createHash } from "node:crypto";
import {
  assertValidTiming,
  decideCatchUp,
  dueSlots,
  MAX_CATCH_UP,
  type NewScheduleInput,
  newScheduleSchema,
  type Schedule,
  type ScheduleEdit,
  type ScheduleRun,
  scheduleEditSchema,
  slotTaskTitle,
  timingChanged,
} from "../../domain/schedule.js";
import { NotFoundError, ValidationError } from "../../errors.js";
import { parseOrThrow } from "../../validation.js";
import { operatorSchema } from "../port-schemas.js";
import type { GithubContext } from "./github-context.js";
import { taskIdOf } from "./records/issue-kinds.js";
import type { ScheduleRecord, SlotRecord } from "./records/record-schemas.js";
import type { StoredRecord } from "./repo-mirror.js";
import { foldSchedules, type ScheduleFold, slotKey } from "./schedule-fold.js";
import { SETTINGS_TITLE } from "./settings-store.js";
import { createTask } from "./tasks/task-creation.js";
import type { TaskReader } from "./tasks/task-reader.js";

/**
 * The nonce of a slot's task, fixed by the slot: every process that creates it makes the same
 * task (duplicated issues of one nonce are one task, see taskIdOf), so the slot's task id is
 * known before the claim is posted and rides in it.
 */
export function slotTaskNonce(scheduleId: string, slotAt: number): string {
  const digest = createHash("sha256").update(`slot:${scheduleId}:${slotAt}`).digest();
  return digest.readBigUInt64BE(0).toString(36).padStart(13, "0");
}

/**
 * Repeating schedules on GitHub: signed `sched` records on the settings issue (the newest for
 * a schedule wins), and each slot fired through a `slot` claim there — the first claim for a
 * slot in GitHub's comment order that the fold accepts fires it (schedule-fold.ts), like the
 * lowest claim holds a task's lock. A scheduler posts its claims, waits one settle delay,
 * re-reads the settings issues and creates the task of each slot its claim won. An idle tick
 * reads the mirror only: it costs no request.
 */
export class GithubScheduleStore {
  constructor(
    private readonly ctx: GithubContext,
    private readonly tasks: TaskReader,
  ) {}

  async create(input: NewScheduleInput, actor: string): Promise<Schedule> {
    const schedule = parseOrThrow(newScheduleSchema, input, "schedule");
    parseOrThrow(operatorSchema.shape.actor, actor, "actor");
    assertValidTiming(schedule.timing);
    const fold = await this.fold();
    if ([...fold.schedules.values()].some((s) => s.name === schedule.name))
      throw new ValidationError("name", "a name no other schedule has", schedule.name);
    const now = this.ctx.now();
    const sid = `s_${this.ctx.nonce()}`;
    const s = { ...schedule, horizon: now, createdAt: now, createdBy: actor };
    await this.write(sid, s, actor, "schedule.created", { scheduleId: sid, name: schedule.name });
    return { ...s, id: sid, updatedAt: now, updatedBy: actor };
  }

  /** As on SQLite: a resume or a different timing moves the horizon to now, so the change never fires the slots from before it. */
  async edit(idOrName: string, edit: ScheduleEdit, actor: string): Promise<Schedule> {
    const patch = parseOrThrow(scheduleEditSchema, edit, "edit");
    parseOrThrow(operatorSchema.shape.actor, actor, "actor");
    const current = this.find(await this.fold(), idOrName);
    if (!current) throw new NotFoundError("schedule", idOrName);
    const next = { ...current, ...patch };
    if (patch.timing) assertValidTiming(next.timing);
    const now = this.ctx.now();
    const resumed = current.paused && !next.paused;
    const horizon =
      resumed || timingChanged(current.timing, patch.timing) ? Math.max(current.horizon, now) : current.horizon;
    const { id, updatedAt: _u, updatedBy: _b, ...kept } = next;
    const s = { ...kept, horizon };
    await this.write(id, s, actor, "schedule.updated", {
      scheduleId: id,
      name: current.name,
      changed: Object.keys(patch),
    });
    return { ...s, id, updatedAt: now, updatedBy: actor };
  }

  async delete(idOrName: string, actor: string): Promise<boolean> {
    parseOrThrow(operatorSchema.shape.actor, actor, "actor");
    const current = this.find(await this.fold(), idOrName);
    if (!current) return false;
    await this.write(current.id, undefined, actor, "schedule.deleted", { scheduleId: current.id, name: current.name });
    return true;
  }

  async get(idOrName: string): Promise<Schedule | null> {
    return this.find(await this.fold(), idOrName);
  }

  async list(): Promise<Schedule[]> {
    return [...(await this.fold()).schedules.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Newest slot first. */
  async runs(scheduleId: string, limit: number): Promise<ScheduleRun[]> {
    const bounded = Math.min(Math.max(1, Math.floor(limit)), 1000);
    const runs = (await this.fold()).runs.get(scheduleId) ?? [];
    return [...runs].sort((a, b) => b.slotAt - a.slotAt).slice(0, bounded);
  }

  /**
   * Claim every due slot (domain/schedule.ts decides which, from the folded horizon), wait one
   * settle delay, re-read, and create the task of each slot this process's claim fired.
   * Cost per fired slot: one claim comment, plus the task issue (created with its labels);
   * a claim that lost costs its comment only. First, the task of a slot whose winner died
   * between its claim and its task is created (createOrphanedSlotTasks).
   */
  async fireDueSlots(firedBy: string): Promise<ScheduleRun[]> {
    parseOrThrow(operatorSchema.shape.actor, firedBy, "firedBy");
    const fold = await this.fold();
    const now = this.ctx.now();
    await this.createOrphanedSlotTasks(fold, now, firedBy);
    const wanted: Array<{ schedule: Schedule; slot: number }> = [];
    for (const schedule of fold.schedules.values()) {
      if (schedule.paused) continue;
      const due = dueSlots(schedule.timing, schedule.createdAt, schedule.horizon, now, MAX_CATCH_UP + 1);
      if (due.length === 0) continue;
      const decision = decideCatchUp(due, now, schedule, schedule.horizon);
      for (const slot of decision.fire)
        if (!fold.fired.has(slotKey(schedule.id, slot))) wanted.push({ schedule, slot });
    }
    if (wanted.length === 0) return [];
    const issue = await this.ctx.ensureIssue("settings", SETTINGS_TITLE);
    const posted: Array<{ schedule: Schedule; claim: StoredRecord<SlotRecord> }> = [];
    for (const { schedule, slot } of wanted) {
      const task = taskIdOf(slotTaskNonce(schedule.id, slot));
      const record: SlotRecord = {
        k: "slot",
        n: this.ctx.nonce(),
        at: this.ctx.now(),
        ev: [],
        sid: schedule.id,
        slot,
        task,
        by: firedBy,
      };
      const line = `sentinel: slot ${new Date(slot).toISOString()} of schedule \`${schedule.name}\` claimed by ${firedBy}`;
      posted.push({ schedule, claim: await this.ctx.post(issue, record, line) });
    }
    await this.ctx.rotateIfFull("settings", SETTINGS_TITLE, issue);
    await this.ctx.sleep(this.ctx.settleDelayMs());
    const settled = foldSchedules(await this.readFresh());
    const fired: ScheduleRun[] = [];
    for (const { schedule, claim } of posted) {
      if (!settled.winners.has(claim.record.n)) continue;
      await this.createSlotTask(schedule, claim.record, {});
      const { slot, task } = claim.record;
      fired.push({ scheduleId: schedule.id, slotAt: slot, taskId: task, firedAt: claim.record.at, firedBy });
    }
    return fired;
  }

  /**
   * A winning claim is posted before its task is created, so a winner that dies in between
   * (or whose create keeps failing) would leave a fired slot with no task: no other process
   * may claim the slot again. Once such a claim is `orphanedSlotGraceMs` old by GitHub's date
   * (longer than a live winner's settle delay, re-read and create with their retries), any
   * scheduler creates the task under the slot's own nonce: were the winner alive after all,
   * the two issues are one task (the lowest number holds it, see TaskReader). Only claims
   * after the history horizon are judged: a task issue from before it may not be mirrored.
   */
  private async createOrphanedSlotTasks(fold: ScheduleFold, now: number, recoveredBy: string): Promise<void> {
    const horizon = this.ctx.mirror.horizon() ?? Number.NEGATIVE_INFINITY;
    const grace = this.ctx.options.orphanedSlotGraceMs;
    for (const claim of fold.winners.values()) {
      const datedAt = Date.parse(claim.createdAt);
      if (datedAt < horizon || datedAt + grace > now || this.tasks.issueOf(claim.record.task) !== null) continue;
      const schedule = fold.schedules.get(claim.record.sid);
      if (!schedule) continue;
      const fields = { scheduleId: schedule.id, slotAt: claim.record.slot, taskId: claim.record.task };
      try {
        await this.createSlotTask(schedule, claim.record, { recoveredBy });
        this.ctx.options.log?.("warn", "created the task of a schedule slot its firing process left without one", {
          ...fields,
          claimedBy: claim.record.by,
        });
      } catch (error) {
        // One slot that cannot be created must not hold back the firing of every later one.
        this.ctx.options.log?.("warn", "could not create the task of an orphaned schedule slot", {
          ...fields,
          error: String(error),
        });
      }
    }
  }

  /** The slot's task, under its fixed nonce, carrying the slot's `schedule.fired` event. */
  private async createSlotTask(schedule: Schedule, claim: SlotRecord, extra: Record<string, unknown>): Promise<void> {
    const { slot, task } = claim;
    const ev = [
      this.ctx.entry("schedule.fired", {
        taskId: task,
        workerId: null,
        actor: claim.by,
        data: { scheduleId: schedule.id, name: schedule.name, slotAt: slot, ...extra },
      }),
    ];
    await createTask(
      this.ctx,
      this.tasks,
      { ...schedule.task, title: slotTaskTitle(schedule, slot), delayMs: 0, pinnedWorkerId: null, affinityKey: null },
      `schedule:${schedule.name}`,
      { nonce: slotTaskNonce(schedule.id, slot), events: ev },
    );
  }

  private find(fold: ScheduleFold, idOrName: string): Schedule | null {
    return fold.schedules.get(idOrName) ?? [...fold.schedules.values()].find((s) => s.name === idOrName) ?? null;
  }

  /** From the mirror (kept fresh by its repository-wide listing): no request of its own. */
  private async fold(): Promise<ScheduleFold> {
    await this.ctx.mirror.refreshIfStale();
    return foldSchedules(
      this.ctx.issuesOf("settings").flatMap((entry) => this.ctx.mirror.recordsOf(entry.issue.number)),
    );
  }

  /** Each settings issue's own comment list, read now: the settle re-read. */
  private async readFresh(): Promise<StoredRecord[]> {
    const records: StoredRecord[] = [];
    for (const entry of this.ctx.issuesOf("settings"))
      records.push(...(await this.ctx.mirror.readIssue(entry.issue.number)));
    return records;
  }

  private async write(
    sid: string,
    s: ScheduleRecord["s"],
    actor: string,
    kind: "schedule.created" | "schedule.updated" | "schedule.deleted",
    data: Record<string, unknown>,
  ): Promise<void> {
    const issue = await this.ctx.ensureIssue("settings", SETTINGS_TITLE);
    const at = this.ctx.now();
    const ev = [this.ctx.entry(kind, { at, taskId: null, workerId: null, actor, data })];
    const record: ScheduleRecord = { k: "sched", n: this.ctx.nonce(), at, ev, sid, ...(s ? { s } : {}), actor };
    await this.ctx.post(issue, record, `sentinel: ${kind} \`${String(data.name)}\` by ${actor}`);
    await this.ctx.rotateIfFull("settings", SETTINGS_TITLE, issue);
  }
}
