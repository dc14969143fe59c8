import type { NewStoreEvent, StoreEvent } from "../../domain/events.js";
import { parseOrThrow } from "../../validation.js";
import { newEventSchema, readEventsSchema } from "../port-schemas.js";
import { eventId, eventSecondEndMs } from "./fold/event-ids.js";
import { foldWorkers } from "./fold/worker-fold.js";
import type { GithubContext } from "./github-context.js";
import { taskIdOf } from "./records/issue-kinds.js";
import type { EventEntry } from "./records/record-schemas.js";
import type { StoredRecord } from "./repo-mirror.js";
import type { TaskReader } from "./tasks/task-reader.js";
import { WriteBatcher } from "./write-batcher.js";

const EVENTS_TITLE = "sentinel: events";
/** Slot of the synthesized heartbeat event of a registration (its history uses the low slots). */
const HEARTBEAT_SLOT = 1023;
/** Slot of the synthesized `task.log` event of a Logs comment: one per version, like a heartbeat. */
const TASK_LOG_SLOT = 1022;

/**
 * The event log without a write per event: every record already carries the events its
 * write produced (`ev`), and readEvents derives the log from the records the mirror holds,
 * with ids computed from GitHub's own ids and timestamps (see event-ids). Only events with
 * no natural record (operator actions, alerts) are written, batched, to an events issue.
 * Records whose effect did not take place (a monitor op that lost a race, a claim that
 * lost) contribute nothing.
 */
export class EventLog {
  private readonly batcher: WriteBatcher<NewStoreEvent, StoreEvent>;

  constructor(
    private readonly ctx: GithubContext,
    private readonly tasks: TaskReader,
  ) {
    this.batcher = new WriteBatcher(
      () => ctx.meter.effectiveBatchWindowMs(),
      200,
      (events) => this.writeBatch(events),
    );
  }

  async append(event: NewStoreEvent): Promise<StoreEvent> {
    const checked = parseOrThrow(newEventSchema, event, "event");
    return this.batcher.add(checked);
  }

  async flush(): Promise<void> {
    await this.batcher.flush();
  }

  async read(afterId: number, limit: number): Promise<StoreEvent[]> {
    parseOrThrow(readEventsSchema, { afterId, limit }, "readEvents");
    await this.ctx.mirror.refreshIfStale();
    // A follower that stopped before the history this process has read resumes where it stopped.
    // From 0 it gets the log from the horizon on: starting with the whole history is a full listing.
    const horizon = this.ctx.mirror.horizon();
    if (afterId > 0 && horizon !== null && eventSecondEndMs(afterId) <= horizon) await this.ctx.mirror.loadHistory();
    const margin = this.ctx.options.eventVisibilityMarginMs ?? this.ctx.settleDelayMs() + 1000;
    const now = this.ctx.now();
    return (await this.derive())
      .filter((event) => event.id > afterId && (margin === 0 || eventSecondEndMs(event.id) + margin <= now))
      .sort((a, b) => a.id - b.id)
      .slice(0, limit);
  }

  private async derive(): Promise<StoreEvent[]> {
    const events: StoreEvent[] = [];
    const seenNonces = new Set<string>();
    const fromRecord = (stored: StoredRecord, entries: EventEntry[], evBase: number): void => {
      entries.forEach((entry, index) => {
        const sat = entry.sat ?? stored.updatedAt;
        events.push(toEvent(eventId(sat, 1, stored.id, evBase + index), entry));
      });
    };
    for (const { source, view } of await this.tasks.foldAll()) {
      const taskId = taskIdOf(source.nonce);
      for (const [index, entry] of source.events.entries())
        events.push(toEvent(eventId(source.issueCreatedAt, 0, source.issueId, index), { ...entry, taskId }));
      for (const stored of this.ctx.mirror.recordsOf(source.issueNumber)) {
        const log =
          stored.record.k === "log" ? stored.record : stored.record.k === "claim" ? stored.record.log : undefined;
        if (log)
          events.push(
            toEvent(
              eventId(stored.updatedAt, 1, stored.id, TASK_LOG_SLOT),
              this.ctx.entry("task.log", {
                at: stored.record.at,
                taskId,
                workerId: log.worker,
                actor: log.worker,
                data: { attempt: log.attempt, lines: log.lines.length },
              }),
            ),
          );
        if (stored.record.k === "log") continue;
        if (!view.applied.has(stored.id) || (stored.record.k !== "claim" && stored.record.k !== "op")) continue;
        // A claim-and-start learns its token (its comment id) only from GitHub's answer. An
        // outcome written too late did not happen: the entries its version added (the ones
        // without an earlier version's server time) are left out; they are the last ones.
        const late = view.lateOutcomes.has(stored.id);
        const entries =
          stored.record.k === "claim"
            ? stored.record.ev
                .filter((entry) => !late || entry.sat !== undefined)
                .map((entry) =>
                  entry.data.token === undefined ? { ...entry, data: { ...entry.data, token: stored.id } } : entry,
                )
            : stored.record.ev;
        fromRecord(stored, entries, stored.record.evBase ?? 0);
      }
    }
    const registry = this.ctx.issuesOf("registry").flatMap((entry) => this.ctx.mirror.recordsOf(entry.issue.number));
    const workers = foldWorkers(registry);
    for (const view of workers.values()) {
      const reg = view.registration;
      fromRecord(reg, reg.record.ev, reg.record.evBase ?? 0);
      events.push(
        toEvent(
          eventId(reg.updatedAt, 1, reg.id, HEARTBEAT_SLOT),
          this.ctx.entry("worker.heartbeat", {
            at: reg.record.at,
            taskId: null,
            workerId: reg.record.reg.id,
            actor: reg.record.reg.id,
            data: { state: view.record.state, activeTasks: reg.record.activeTasks },
          }),
        ),
      );
    }
    for (const stored of registry) {
      if (stored.record.k !== "wop") continue;
      const view = workers.get(stored.record.worker);
      if (view?.appliedOps.has(stored.id)) fromRecord(stored, stored.record.ev, 0);
    }
    for (const purpose of ["memory", "events", "settings"] as const) {
      for (const entry of this.ctx.issuesOf(purpose)) {
        for (const stored of this.ctx.mirror.recordsOf(entry.issue.number)) {
          if (seenNonces.has(stored.record.n)) continue;
          seenNonces.add(stored.record.n);
          fromRecord(stored, stored.record.ev, stored.record.evBase ?? 0);
        }
      }
    }
    return events;
  }

  private async writeBatch(batch: NewStoreEvent[]): Promise<StoreEvent[]> {
    const issue = await this.ctx.ensureIssue("events", EVENTS_TITLE);
    const at = this.ctx.now();
    const ev = batch.map((event) => this.ctx.entry(event.kind, { ...event, at }));
    const stored = await this.ctx.post(
      issue,
      { k: "events", n: this.ctx.nonce(), at, ev },
      `sentinel: ${batch.length === 1 ? `event ${batch[0]?.kind}` : `${batch.length} events`}`,
    );
    await this.ctx.rotateIfFull("events", EVENTS_TITLE, issue);
    return ev.map((entry, index) => toEvent(eventId(stored.createdAt, 1, stored.id, index), entry));
  }
}

function toEvent(id: number, entry: EventEntry): StoreEvent {
  return {
    id,
    at: entry.at,
    kind: entry.kind,
    taskId: entry.taskId,
    workerId: entry.workerId,
    actor: entry.actor,
    data: { ...entry.data },
  };
}
