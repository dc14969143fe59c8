import { formatDuration } from "./format";
import { findHeartbeatGaps, type HeartbeatSample, lateAfterMs } from "./heartbeat-gaps";

export interface HeartbeatTimelineProps {
  workerId: string;
  /** Observed heartbeats (store clock, ms), any order. */
  heartbeats: HeartbeatSample[];
  /** The worker's latest heartbeat even when it predates the window, so a long silence still shows. */
  lastHeartbeatAt: number | null;
  /** Current store-clock time: where the axis ends. */
  now: number;
  /**
   * Up to when the heartbeats are known to be complete (≤ now). Past it the axis is drawn but
   * no silence is claimed: the data is being refreshed.
   */
  knownUntil: number;
  /** The data drawn is all there is to draw now (default: known up to now). */
  complete?: boolean;
  intervalMs: number;
  staleThresholdMs: number;
  windowMs: number;
  width?: number;
  height?: number;
}

const COLORS = {
  beat: "#3fb950",
  gap: "#f85149",
  deadline: "#e3b341",
  now: "#4c9aff",
  axis: "#2f3742",
  unknown: "#57606a",
};

/**
 * One dot per observed heartbeat over the window, the expected interval as ticks, the lease
 * deadline (last heartbeat + stale threshold) as a dashed line that the axis extends past
 * "now" to show, any silence longer than an interval plus a margin as a red gap, and the
 * part of a silence beyond the stale threshold as a solid red band.
 */
export function HeartbeatTimeline({
  workerId,
  heartbeats,
  lastHeartbeatAt,
  now,
  knownUntil,
  complete,
  intervalMs,
  staleThresholdMs,
  windowMs,
  width = 320,
  height = 30,
}: HeartbeatTimelineProps) {
  const start = now - windowMs;
  const end = now + staleThresholdMs;
  const x = (t: number) => ((Math.min(end, Math.max(start, t)) - start) / (end - start)) * width;
  const mid = height / 2;
  const byAt = new Map(heartbeats.map((h) => [h.at, h]));
  if (lastHeartbeatAt !== null && !byAt.has(lastHeartbeatAt))
    byAt.set(lastHeartbeatAt, { at: lastHeartbeatAt, seenUntil: null });
  const samples = [...byAt.values()].sort((a, b) => a.at - b.at);
  const beats = samples.map((h) => h.at).filter((t) => t >= start);
  const last = samples.at(-1)?.at ?? null;
  const known = Math.min(now, knownUntil);
  const gaps = findHeartbeatGaps(samples, { intervalMs, staleThresholdMs, knownUntil: known, windowStart: start });

  const ticks: number[] = [];
  const tickStep = Math.max(intervalMs, windowMs / 60);
  for (let t = now; t > start; t -= tickStep) ticks.push(t);

  const deadline = last != null ? last + staleThresholdMs : null;
  const silentFor = last != null ? known - last : null;
  const staleGaps = gaps.filter((g) => g.stale).length;

  return (
    <svg
      className="timeline"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={`heartbeat timeline of ${workerId}: ${beats.length} heartbeats in the last ${formatDuration(windowMs)}${silentFor != null ? `, last ${formatDuration(silentFor)} ago` : ""}${gaps.length > 0 ? `, ${gaps.length} gap(s)` : ""}`}
      data-testid={`heartbeat-timeline-${workerId}`}
      data-beats={beats.length}
      data-gaps={gaps.length}
      data-stale-gaps={staleGaps}
      data-last-beat-age={silentFor != null ? Math.round(silentFor) : undefined}
      data-complete={complete ?? known >= now}
    >
      <rect x={x(now)} y={0} width={width - x(now)} height={height} fill="#1a2332" />
      {ticks.map((t) => (
        <line key={t} x1={x(t)} x2={x(t)} y1={height - 4} y2={height} stroke="#39424f" strokeWidth={1} />
      ))}
      <line x1={0} x2={x(known)} y1={mid} y2={mid} stroke={COLORS.axis} strokeWidth={1} />
      {known < now && (
        <line
          x1={x(known)}
          x2={x(now)}
          y1={mid}
          y2={mid}
          stroke={COLORS.unknown}
          strokeDasharray="2 2"
          strokeWidth={1}
        />
      )}
      {gaps.map((g) => (
        <g key={`gap-${g.from}`} data-testid={g.stale ? "heartbeat-stale-gap" : "heartbeat-gap"}>
          <title>{`no heartbeat for ${formatDuration(g.to - g.from)}${g.open ? " (so far)" : ""}: expected every ${formatDuration(intervalMs)}${g.stale ? `, past the stale threshold of ${formatDuration(staleThresholdMs)}` : ""}`}</title>
          <line x1={x(g.from)} x2={x(g.to)} y1={mid} y2={mid} stroke={COLORS.gap} strokeWidth={3} />
          {g.stale && (
            <rect
              x={x(g.from + staleThresholdMs)}
              width={Math.max(1.5, x(g.to) - x(g.from + staleThresholdMs))}
              y={mid - 6}
              height={12}
              fill={COLORS.gap}
              fillOpacity={0.35}
              stroke={COLORS.gap}
              strokeWidth={1}
            />
          )}
        </g>
      ))}
      {beats.map((t) => (
        <circle key={t} cx={x(t)} cy={mid} r={2.6} fill={COLORS.beat} />
      ))}
      {deadline != null && deadline >= start && (
        <line
          x1={x(deadline)}
          x2={x(deadline)}
          y1={2}
          y2={height - 2}
          stroke={COLORS.deadline}
          strokeDasharray="3 2"
          strokeWidth={1.5}
        >
          <title>{`stale threshold ${formatDuration(staleThresholdMs)} after the last heartbeat`}</title>
        </line>
      )}
      <line x1={x(now)} x2={x(now)} y1={0} y2={height} stroke={COLORS.now} strokeWidth={1} />
    </svg>
  );
}

export function HeartbeatLegend({
  intervalMs,
  staleThresholdMs,
  windowMs,
}: {
  intervalMs: number;
  staleThresholdMs: number;
  windowMs: number;
}) {
  return (
    <div className="legend" data-testid="heartbeat-legend">
      <span>
        <i style={{ background: COLORS.beat, height: 6, width: 6, borderRadius: 3 }} />
        heartbeat (every {formatDuration(intervalMs)})
      </span>
      <span>
        <i style={{ background: COLORS.gap }} />
        silent &gt; {formatDuration(lateAfterMs(intervalMs))}
      </span>
      <span>
        <i style={{ background: COLORS.gap, opacity: 0.6, height: 9 }} />
        past stale threshold
      </span>
      <span>
        <i style={{ background: COLORS.deadline }} />
        stale threshold {formatDuration(staleThresholdMs)}
      </span>
      <span>
        <i style={{ background: COLORS.now, width: 2, height: 10 }} />
        now (last {formatDuration(windowMs)})
      </span>
    </div>
  );
}
