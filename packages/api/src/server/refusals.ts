import { Counter, type Registry } from "prom-client";

/** Why the control plane turned a request away; one label value each (docs/security.md). */
export const REFUSAL_REASONS = [
  "body_too_large",
  "input_too_deep",
  "cross_origin",
  "login_failed",
  "login_rate_limited",
  "webhook_too_large",
  "webhook_signature",
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export interface Refusals {
  count(reason: RefusalReason): void;
  /** Totals since start, for the dashboard and health answers. */
  totals(): Record<RefusalReason, number>;
}

/** `sentinel_http_refusals_total{reason}` in the control plane's registry, plus readable totals. */
export function createRefusals(registry: Registry): Refusals {
  const counter = new Counter({
    name: "sentinel_http_refusals_total",
    help: "Requests the control plane refused, by reason",
    labelNames: ["reason"],
    registers: [registry],
  });
  const totals = Object.fromEntries(REFUSAL_REASONS.map((r) => [r, 0])) as Record<RefusalReason, number>;
  // Every reason is exported from the start, so a dashboard can alert on the first increase.
  for (const reason of REFUSAL_REASONS) counter.inc({ reason }, 0);
  return {
    count(reason) {
      totals[reason]++;
      counter.inc({ reason });
    },
    totals: () => ({ ...totals }),
  };
}
