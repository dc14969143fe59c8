/** A worker's capacity as a bar of cells: "████░░ (4/10)", FULL when no slot is left. */
export function CapacityBar({ active, max, cells = 10 }: { active: number; max: number; cells?: number }) {
  const ratio = max > 0 ? Math.min(1, active / max) : 0;
  const filled = Math.round(ratio * cells);
  const full = max > 0 && active >= max;
  return (
    <span
      className={full ? "bar full" : "bar"}
      role="img"
      aria-label={`${active} of ${max} slots in use`}
      data-testid="capacity-bar"
    >
      <span className="fill">{"█".repeat(filled)}</span>
      <span className="empty">{"░".repeat(cells - filled)}</span> ({active}/{max})
      {full ? " FULL" : active === 0 ? " IDLE" : ""}
    </span>
  );
}

export function CapacityMeter({ used, total }: { used: number; total: number }) {
  const pct = total > 0 ? Math.min(100, (used / total) * 100) : 0;
  return (
    // biome-ignore lint/a11y/useSemanticElements: a styled bar; <meter> cannot be themed consistently across browsers
    <div
      className={pct >= 80 ? "meter hot" : "meter"}
      role="meter"
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={used}
      aria-label="capacity used"
    >
      <div style={{ width: `${pct}%` }} />
    </div>
  );
}
