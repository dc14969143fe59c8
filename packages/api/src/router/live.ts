import { tracked } from "@trpc/server";
import { z } from "zod";
import {
  CHANGE_KINDS,
  type ChangeKind,
  latestChangeId,
  oldestChangeId,
  readChangesAfter,
} from "../cache/change-log.js";
import { viewerProcedure } from "../trpc.js";

/** Changes are also read from the cache file on this cadence, so writers in other processes are seen. */
const CROSS_PROCESS_POLL_MS = 500;
const BACKFILL_BATCH = 200;

function waitForChange(subscribe: (wake: () => void) => () => void, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      unsubscribe();
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, CROSS_PROCESS_POLL_MS);
    const unsubscribe = subscribe(done);
    signal?.addEventListener("abort", done);
  });
}

/**
 * What changed in the cache, as `{ changeId, kinds }`, tracked by change id. A client that
 * reconnects with `lastEventId` first gets everything it missed from the cache's change log
 * (or one "everything changed" event if that part of the log was pruned), then live ones.
 */
export const liveSubscription = viewerProcedure
  .input(z.object({ lastEventId: z.string().regex(/^\d+$/, "a change id").nullish() }).optional())
  .subscription(async function* ({ ctx, input, signal }) {
    const db = ctx.cache.db;
    let cursor = input?.lastEventId != null ? Number(input.lastEventId) : latestChangeId(db);
    const oldest = oldestChangeId(db);
    if (input?.lastEventId != null && oldest > cursor + 1) {
      const head = latestChangeId(db);
      yield tracked(String(head), { changeId: head, kinds: [...CHANGE_KINDS] as ChangeKind[], resync: true });
      cursor = head;
    }
    while (!signal?.aborted) {
      const changes = readChangesAfter(db, cursor, BACKFILL_BATCH);
      for (const change of changes) {
        yield tracked(String(change.changeId), { changeId: change.changeId, kinds: change.kinds, resync: false });
        cursor = change.changeId;
      }
      if (changes.length < BACKFILL_BATCH) await waitForChange((wake) => ctx.syncer.onChange(wake), signal);
    }
  });
