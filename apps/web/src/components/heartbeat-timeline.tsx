import { formatDuration } from "./format";

export interface HeartbeatTimelineProps {
  workerId: string;
  /** Observed heartbeat times (store clock, ms), any order. */
  heartbeats: number[];
  /** Current store-clock time. */
  now: number;
  intervalMs: number;
  staleThresholdMs: number;
  windowMs: number;
  width?: number;
  height?: number;
}

/**
 * One dot per observed heartbeat over the window, the expected interval as ticks, the lease
 * deadline (last heartbeat + stale threshold) as a dashed line that the axis extends past
 * "now" to show, and any silence longer than two intervals as a red gap.
 */
export function HeartbeatTimeline({
  workerId,
  heartbeats,
  now,
  intervalMs,
  staleThresholdMs,
  windowMs,
  width = 320,
  height = 30,
}: HeartbeatTimelineProps) {
  const start = now - windowMs;
  const end = now + staleThresholdMs;
  const span = end - start;
  const x = (t: number) => ((t - start) / span) * width;
  const mid = height / 2;
  const beats = heartbeats.filter((t) => t >= start && t <= now).sort((a, b) => a - b);
  const last = heartbeats.length > 0 ? Math.max(...heartbeats) : null;
  const gapMs = intervalMs * 2;

  const gaps: Array<[number, number]> = [];
  for (let i = 1; i < beats.length; i++) {
    const prev = beats[i - 1]!;
    const cur = beats[i]!;
    if (cur - prev > gapMs) gaps.push([prev, cur]);
  }
  if (last != null && now - last > gapMs) gaps.push([Math.max(last, start), now]);

  const ticks: number[] = [];
  const tickStep = Math.max(intervalMs, windowMs / 60);
  for (let t = now; t > start; t -= tickStep) ticks.push(t);

  const deadline = last != null ? last + staleThresholdMs : null;
  const silentFor = last != null ? now - last : null;

  return (
    <svg
      className="timeline"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={`heartbeat timeline of ${workerId}: ${beats.length} heartbeats in the last ${formatDuration(windowMs)}${silentFor != null ? `, last ${formatDuration(silentFor)} ago` : ""}`}
      data-testid={`heartbeat-timeline-${workerId}`}
      data-beats={beats.length}
      data-gaps={gaps.length}
    >
      <rect x={x(now)} y={0} width={width - x(now)} height={height} fill="#1a2332" />
      {ticks.map((t) => (
        <line key={t} x1={x(t)} x2={x(t)} y1={height - 4} y2={height} stroke="#39424f" strokeWidth={1} />
      ))}
      <line x1={0} x2={x(now)} y1={mid} y2={mid} stroke="#2f3742" strokeWidth={1} />
      {gaps.map(([a, b]) => (
        <line key={`gap-${a}`} x1={x(a)} x2={x(b)} y1={mid} y2={mid} stroke="#f85149" strokeWidth={3} data-testid="heartbeat-gap">
          <title>{`no heartbeat for ${formatDuration(b - a)}`}</title>
        </line>
      ))}
      {beats.map((t) => (
        <circle key={t} cx={x(t)} cy={mid} r={2.6} fill="#3fb950" />
      ))}
      {deadline != null && deadline >= start && (
        <line x1={x(deadline)} x2={x(deadline)} y1={2} y2={height - 2} stroke="#e3b341" strokeDasharray="3 2" strokeWidth={1.5}>
          <title>{`stale threshold ${formatDuration(staleThresholdMs)} after the last heartbeat`}</title>
        </line>
      )}
      <line x1={x(now)} x2={x(now)} y1={0} y2={height} stroke="#4c9aff" strokeWidth={1} />
    </svg>
  );
}

export function HeartbeatLegend({ intervalMs, staleThresholdMs, windowMs }: { intervalMs: number; staleThresholdMs: number; windowMs: number }) {
  return (
    <div className="legend" data-testid="heartbeat-legend">
      <span>
        <i style={{ background: "#3fb950", height: 6, width: 6, borderRadius: 3 }} />
        heartbeat (every {formatDuration(intervalMs)})
      </span>
      <span>
        <i style={{ background: "#e3b341" }} />
        stale threshold {formatDuration(staleThresholdMs)}
      </span>
      <span>
        <i style={{ background: "#f85149" }} />
        gap
      </span>
      <span>
        <i style={{ background: "#4c9aff", width: 2, height: 10 }} />
        now (last {formatDuration(windowMs)})
      </span>
    </div>
  );
}
