import { errorMessage } from "./error-message";

/** Loading / error placeholder for a page whose main query has no data yet. */
export function QueryState({ query, title }: { query: { isError: boolean; error: unknown }; title: string }) {
  return (
    <div className="stack">
      <h1>{title}</h1>
      {query.isError ? (
        <div className="error-box" role="alert">
          {errorMessage(query.error)}
        </div>
      ) : (
        <div className="muted">Loading…</div>
      )}
    </div>
  );
}
