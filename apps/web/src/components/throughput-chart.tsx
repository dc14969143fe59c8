export interface ThroughputPoint {
  /** Start of the minute, ms. */
  minute: number;
  succeeded: number;
  failed: number;
}

/** Stacked per-minute bars: succeeded (green) under failed (red). */
export function ThroughputChart({
  points,
  width = 560,
  height = 120,
}: {
  points: ThroughputPoint[];
  width?: number;
  height?: number;
}) {
  const max = Math.max(1, ...points.map((p) => p.succeeded + p.failed));
  const pad = 18;
  const plotH = height - pad;
  const barW = points.length > 0 ? width / points.length : width;
  const total = points.reduce((n, p) => n + p.succeeded + p.failed, 0);
  return (
    <svg
      width="100%"
      viewBox={`0 0 ${width} ${height}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={`throughput: ${total} tasks finished in the last ${points.length} minutes, peak ${max} per minute`}
      data-testid="throughput-chart"
    >
      {[0.5, 1].map((f) => (
        <line key={f} x1={0} x2={width} y1={plotH - plotH * f} y2={plotH - plotH * f} stroke="#232a33" />
      ))}
      <text x={2} y={10} fill="#8b95a3" fontSize={10}>
        {max}/min
      </text>
      {points.map((p, i) => {
        const sH = (p.succeeded / max) * (plotH - 12);
        const fH = (p.failed / max) * (plotH - 12);
        return (
          <g key={p.minute}>
            <title>{`${new Date(p.minute).toLocaleTimeString(undefined, { hour12: false, hour: "2-digit", minute: "2-digit" })}: ${p.succeeded} succeeded, ${p.failed} failed`}</title>
            <rect x={i * barW + 1} y={plotH - sH} width={Math.max(1, barW - 2)} height={sH} fill="#2ea043" />
            <rect x={i * barW + 1} y={plotH - sH - fH} width={Math.max(1, barW - 2)} height={fH} fill="#f85149" />
          </g>
        );
      })}
      <line x1={0} x2={width} y1={plotH} y2={plotH} stroke="#39424f" />
      {points.length > 0 && (
        <>
          <text x={2} y={height - 4} fill="#8b95a3" fontSize={10}>
            −{points.length}m
          </text>
          <text x={width - 2} y={height - 4} fill="#8b95a3" fontSize={10} textAnchor="end">
            now
          </text>
        </>
      )}
    </svg>
  );
}
