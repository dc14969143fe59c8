"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "~/trpc/react";
import { MutationError } from "../actions/action-button";
import { useAuth } from "../auth/auth-provider";
import { QueryState } from "../query-state";
import { SpendCheckCard } from "./spend-check-card";

const DESCRIPTIONS: Record<string, string> = {
  round_robin: "Rotate through eligible workers in turn.",
  least_loaded: "Pick the worker with the lowest utilisation (active / max).",
  capacity_based: "Pick the worker with the most free slots.",
  affinity: "Prefer the worker that last ran this task type or affinity key.",
  adaptive: "Blend load, capacity and recent success rate.",
};

export function SettingsView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { can } = useAuth();
  const settings = useQuery(trpc.settings.get.queryOptions());
  const setStrategy = useMutation(
    trpc.settings.setStrategy.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.settings.pathFilter()),
    }),
  );
  if (!settings.data) return <QueryState query={settings} title="Settings" />;
  const s = settings.data;
  return (
    <div className="stack" style={{ maxWidth: 760 }}>
      <h1>Settings</h1>
      <div className="card stack">
        <h2>Load-balancing strategy</h2>
        <p className="muted small" style={{ margin: 0 }}>
          Every worker evaluates the same strategy over the shared registry and claims the tasks it gives to itself; the
          switch applies live, within each worker&apos;s rebalance interval.{" "}
          {s.strategy === null && "No live override is set: each worker uses its configured strategy."}
        </p>
        {can("admin") ? (
          <fieldset style={{ border: 0, padding: 0, margin: 0 }} disabled={setStrategy.isPending}>
            <legend className="muted small">Strategy</legend>
            {s.strategies.map((strategy) => (
              <label key={strategy} className="row" style={{ padding: "4px 0", cursor: "pointer" }}>
                <input
                  type="radio"
                  name="strategy"
                  value={strategy}
                  checked={s.strategy === strategy}
                  onChange={() => setStrategy.mutate({ strategy })}
                  data-testid={`strategy-${strategy}`}
                />
                <span className="mono">{strategy}</span>
                <span className="muted small">{DESCRIPTIONS[strategy]}</span>
              </label>
            ))}
          </fieldset>
        ) : (
          <p style={{ margin: 0 }} data-testid="strategy-current">
            <span className="mono">{s.strategy ?? "configured per worker"}</span>{" "}
            <span className="muted small">(an admin can switch it)</span>
          </p>
        )}
        <MutationError mutations={[setStrategy]} />
      </div>
      <div className="card">
        <h2>Control plane</h2>
        <dl className="kv">
          <dt>Store backend</dt>
          <dd className="mono">{s.backend}</dd>
          <dt>Read-only viewing</dt>
          <dd>{s.readOnlyView ? "allowed without login" : "operators only"}</dd>
        </dl>
      </div>
      {s.spendCheck && <SpendCheckCard check={s.spendCheck} />}
    </div>
  );
}
