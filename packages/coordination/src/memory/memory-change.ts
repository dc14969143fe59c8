import type { StoreEvent } from "../domain/events.js";
import type { MemoryEntry } from "../domain/memory.js";

/** One memory write as seen by a subscriber, in store order. */
export interface MemoryChange {
  kind: "set" | "deleted";
  key: string;
  /** The written entry for `set`; null for `deleted`, and for a `set` already superseded. */
  entry: MemoryEntry | null;
  /** Store version of this write, when the event carries it. */
  version: number | null;
  /**
   * A later write to the key happened before this change was delivered and the event did not
   * carry the value: subscribers get the later change next, so they still converge (LWW).
   */
  superseded: boolean;
  /** Who wrote it (worker id or `operator:<name>`). */
  writerId: string;
  eventId: number;
  /** Store-clock ms. */
  at: number;
}

export type MemoryListener = (change: MemoryChange) => void;

/** The change a memory event describes, or null for events that are not about memory. */
export function toMemoryChange(event: StoreEvent): { change: MemoryChange; complete: boolean } | null {
  if (event.kind !== "memory.set" && event.kind !== "memory.deleted") return null;
  const key = event.data.key;
  if (typeof key !== "string") return null;
  const version = typeof event.data.version === "number" ? event.data.version : null;
  const base = { key, writerId: event.actor, eventId: event.id, at: event.at, version, superseded: false };
  if (event.kind === "memory.deleted") return { change: { ...base, kind: "deleted", entry: null }, complete: true };
  if (version === null || !("value" in event.data)) {
    return { change: { ...base, kind: "set", entry: null }, complete: false };
  }
  const entry: MemoryEntry = { key, value: event.data.value, version, writerId: event.actor, updatedAt: event.at };
  return { change: { ...base, kind: "set", entry }, complete: true };
}
