"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "~/trpc/react";
import { errorMessage } from "../error-message";
import { formatTime } from "../format";
import { ProgressBar } from "./progress-bar";

/** Newest lines shown; the store keeps up to 200 per task. */
const TAIL_LINES = 100;

/**
 * The task's progress and the tail of its log, as the handler reported them (`ctx.progress`,
 * `ctx.log`, a command's output). Live: each log write reaches the cache as a tasks change,
 * which invalidates this query.
 */
export function TaskLogCard({ taskId }: { taskId: string }) {
  const trpc = useTRPC();
  const log = useQuery(trpc.tasks.log.queryOptions({ taskId }));
  const data = log.data;
  const tail = data ? data.lines.slice(-TAIL_LINES) : [];
  const hidden = data ? data.dropped + data.lines.length - tail.length : 0;
  return (
    <div className="card" data-testid="task-log">
      <h2>Progress and log</h2>
      {log.isError && (
        <div className="error-box" role="alert">
          {errorMessage(log.error)}
        </div>
      )}
      {data?.progress ? (
        <ProgressBar fraction={data.progress.fraction} message={data.progress.message} testId="task-detail-progress" />
      ) : (
        <div className="muted small">No progress reported.</div>
      )}
      {tail.length > 0 ? (
        <>
          {hidden > 0 && <div className="muted small">{hidden.toLocaleString()} earlier lines not shown</div>}
          <pre className="json log-tail" data-testid="task-log-lines">
            {tail.map((line, index) => (
              <div
                // Lines have no id; their position in the kept tail is stable until the next write.
                // biome-ignore lint/suspicious/noArrayIndexKey: see above
                key={index}
                className={`log-line level-${line.level}`}
                data-testid="task-log-line"
              >
                <span className="muted">{formatTime(line.at)}</span> <span className="log-level">{line.level}</span>{" "}
                <span className="muted">#{line.attempt}</span> {line.message}
                {line.fields ? <span className="muted"> {JSON.stringify(line.fields)}</span> : null}
              </div>
            ))}
          </pre>
        </>
      ) : (
        data && <div className="muted small">No log lines.</div>
      )}
    </div>
  );
}
