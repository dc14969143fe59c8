export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Math.round(ms)}ms`;
  if (abs < 60_000) return `${(ms / 1000).toFixed(abs < 10_000 ? 1 : 0)}s`;
  if (abs < 3_600_000) return `${Math.floor(ms / 60_000)}m ${Math.floor((abs % 60_000) / 1000)}s`;
  if (abs < 86_400_000) return `${Math.floor(ms / 3_600_000)}h ${Math.floor((abs % 3_600_000) / 60_000)}m`;
  return `${Math.floor(ms / 86_400_000)}d ${Math.floor((abs % 86_400_000) / 3_600_000)}h`;
}

export function formatAge(at: number | null | undefined, now: number): string {
  if (at == null) return "—";
  return `${formatDuration(Math.max(0, now - at))} ago`;
}

export function formatTime(at: number | null | undefined): string {
  if (at == null) return "—";
  const d = new Date(at);
  return `${d.toLocaleTimeString(undefined, { hour12: false })}.${String(d.getMilliseconds()).padStart(3, "0")}`;
}

export function formatDateTime(at: number | null | undefined): string {
  if (at == null) return "—";
  return new Date(at).toISOString().replace("T", " ").slice(0, 23);
}

export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(ratio < 0.1 && ratio > 0 ? 1 : 0)}%`;
}

export function formatJson(value: unknown): string {
  if (value === undefined) return "—";
  // Stored data beyond the size/depth limits arrives as this marker (coordination's domain/displayable.ts).
  if (value !== null && typeof value === "object" && "tooLargeToDisplay" in value && "message" in value)
    return String(value.message);
  return JSON.stringify(value, null, 2);
}
