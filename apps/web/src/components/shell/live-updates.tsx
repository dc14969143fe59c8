"use client";

import { type QueryFilters, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { createContext, type ReactNode, useContext, useEffect, useRef } from "react";
import { useTRPC } from "~/trpc/react";
import { invalidateLive } from "./invalidate-live";

type LiveStatus = "connecting" | "live" | "error";

const LiveStatusContext = createContext<LiveStatus>("connecting");

/**
 * Each kind of change refreshes its queries at once (leading edge), then at most once more per
 * this window for whatever of that kind follows (trailing edge): bursts — heartbeats from many
 * workers — coalesce, and a task change is not held back by a window heartbeats opened.
 */
const WINDOW_MS = 150;

interface RefreshWindow {
  kinds: string[];
  /** Kinds that changed again inside the window. */
  pending: Set<string>;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * The dashboard's only source of refreshes: one SSE subscription to the control plane's
 * change log. Each change names what changed; the affected routers' queries are invalidated
 * (active ones refetch), so the browser never polls.
 */
export function LiveUpdates({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  /** Each kind's open window. Kinds that arrived together share one, so they refresh together. */
  const windows = useRef(new Map<string, RefreshWindow>());

  const filtersFor = (kind: string): QueryFilters[] => {
    switch (kind) {
      case "workers":
        // The Queues card lists the types live workers handle.
        return [
          trpc.workers.pathFilter(),
          trpc.overview.pathFilter(),
          trpc.queues.pathFilter(),
          trpc.audit.pathFilter(),
        ];
      case "heartbeats":
        // A heartbeat moves only the page of workers on screen and their timelines; pickers
        // that list workers by name opt out (meta.followsHeartbeats: false), or an idle tasks
        // page would refetch on every beat of a large cluster.
        return [
          { ...trpc.workers.list.pathFilter(), predicate: (query) => query.meta?.followsHeartbeats !== false },
          trpc.workers.timelines.pathFilter(),
          trpc.workers.timeline.pathFilter(),
          // Workers publish their metrics with their heartbeats.
          trpc.workers.budgets.pathFilter(),
        ];
      case "tasks":
        // An action from the CLI or another control plane shows here first: its audit record came with it.
        // The Schedules page shows the state of each slot's task.
        return [
          trpc.tasks.pathFilter(),
          trpc.overview.pathFilter(),
          trpc.queues.pathFilter(),
          trpc.schedules.pathFilter(),
          trpc.audit.pathFilter(),
        ];
      case "locks":
        return [trpc.locks.pathFilter(), trpc.tasks.pathFilter(), trpc.overview.pathFilter(), trpc.audit.pathFilter()];
      case "memory":
        return [trpc.memory.pathFilter()];
      case "audit":
        return [trpc.audit.pathFilter()];
      case "settings":
        // Tokens are a setting too.
        return [
          trpc.settings.pathFilter(),
          trpc.overview.pathFilter(),
          trpc.tokens.pathFilter(),
          trpc.audit.pathFilter(),
        ];
      case "queues":
        // A task's detail names the pause or limit holding it back.
        return [
          trpc.queues.pathFilter(),
          trpc.overview.pathFilter(),
          trpc.tasks.get.pathFilter(),
          trpc.audit.pathFilter(),
        ];
      case "schedules":
        // A fired slot created a task too (its own "tasks" change follows).
        return [trpc.schedules.pathFilter(), trpc.audit.pathFilter()];
      case "budget":
        return [trpc.overview.pathFilter(), trpc.workers.budgets.pathFilter()];
      case "alerts":
        // A fire, resolve or delivery attempt recorded in the store.
        return [trpc.alerts.pathFilter(), trpc.overview.pathFilter()];
      default:
        return [trpc.overview.pathFilter()];
    }
  };

  /** One pass over the kinds' queries; a query two kinds share is invalidated once. */
  const invalidateKinds = (kinds: string[]) => {
    const seen = new Set<string>();
    for (const kind of kinds) {
      for (const filter of filtersFor(kind)) {
        const key = JSON.stringify(filter.queryKey);
        if (seen.has(key)) continue;
        seen.add(key);
        void invalidateLive(queryClient, filter, WINDOW_MS);
      }
    }
  };

  const openWindow = (kinds: string[]) => {
    const opened: RefreshWindow = {
      kinds,
      pending: new Set(),
      timer: setTimeout(() => closeWindow(opened), WINDOW_MS),
    };
    for (const kind of kinds) windows.current.set(kind, opened);
  };

  // The trailing edge: what came inside the window is refreshed in one pass (a query that
  // several kinds share, such as the overview, once), and opens the next window.
  const closeWindow = (closing: RefreshWindow) => {
    for (const kind of closing.kinds) if (windows.current.get(kind) === closing) windows.current.delete(kind);
    const pending = [...closing.pending];
    if (pending.length === 0) return;
    invalidateKinds(pending);
    openWindow(pending);
  };

  const onChanges = (kinds: string[]) => {
    const leading: string[] = [];
    for (const kind of kinds) {
      const open = windows.current.get(kind);
      if (open) open.pending.add(kind);
      else leading.push(kind);
    }
    if (leading.length === 0) return;
    invalidateKinds(leading);
    openWindow(leading);
  };

  const subscription = useSubscription(
    trpc.live.subscriptionOptions(undefined, {
      onData: (event) => {
        if (event.data.resync) {
          void queryClient.invalidateQueries();
          return;
        }
        onChanges(event.data.kinds);
      },
    }),
  );
  // tRPC's "pending" is the connected state (waiting for data); "connecting" covers reconnects.
  const status: LiveStatus =
    subscription.status === "pending" ? "live" : subscription.status === "error" ? "error" : "connecting";

  useEffect(
    () => () => {
      for (const open of windows.current.values()) clearTimeout(open.timer);
      windows.current.clear();
    },
    [],
  );

  return <LiveStatusContext.Provider value={status}>{children}</LiveStatusContext.Provider>;
}

/** Whether the change stream is connected: while it is, data nobody invalidated is still current. */
export function useLiveStatus(): LiveStatus {
  return useContext(LiveStatusContext);
}

export function LiveIndicator() {
  const status = useLiveStatus();
  const label = status === "live" ? "live" : status === "error" ? "disconnected — retrying" : "connecting…";
  return (
    <span className="row" style={{ gap: 6 }} data-testid="live-status" data-status={status}>
      <span
        className={status === "live" ? "live-dot on" : status === "error" ? "live-dot err" : "live-dot"}
        aria-hidden
      />
      {label}
    </span>
  );
}
