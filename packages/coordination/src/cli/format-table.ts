/** Plain aligned columns for terminals; `--json` is the machine format. */
export function formatTable(headers: string[], rows: Array<Array<string | number | null>>): string {
  const cells = rows.map((row) => row.map((cell) => (cell === null ? "-" : String(cell))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((row) => (row[i] ?? "").length)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  if (cells.length === 0) return `${line(headers)}\n(none)`;
  return [line(headers), ...cells.map(line)].join("\n");
}

/** A store-clock duration for people: 850ms, 12.3s, 4m05s, 2h10m. */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? "-" : "";
  const abs = Math.abs(ms);
  if (abs < 1000) return `${sign}${Math.round(abs)}ms`;
  if (abs < 60_000) return `${sign}${(abs / 1000).toFixed(1)}s`;
  if (abs < 3_600_000)
    return `${sign}${Math.floor(abs / 60_000)}m${String(Math.floor((abs % 60_000) / 1000)).padStart(2, "0")}s`;
  return `${sign}${Math.floor(abs / 3_600_000)}h${String(Math.floor((abs % 3_600_000) / 60_000)).padStart(2, "0")}m`;
}
