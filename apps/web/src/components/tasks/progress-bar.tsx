import { formatPercent } from "../format";

/** A task's reported progress: a bar, the percentage and the handler's message. */
export function ProgressBar({
  fraction,
  message,
  testId,
}: {
  fraction: number;
  message: string | null;
  testId: string;
}) {
  const percent = formatPercent(fraction);
  return (
    <div className="progress" data-testid={testId} data-fraction={fraction}>
      <div
        className="meter"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(fraction * 100)}
        aria-label={message ? `progress: ${message}` : "progress"}
      >
        <div style={{ width: percent }} />
      </div>
      <span className="small">
        {percent}
        {message ? <span className="muted"> · {message}</span> : null}
      </span>
    </div>
  );
}
