import type { QueryClient, QueryFilters } from "@tanstack/react-query";

/**
 * Marks the queries a change touched as stale and refetches the active ones, without losing
 * the change to a refetch already in flight.
 *
 * A fetch in flight is left to finish (`cancelRefetch: false`) so a steady stream of changes
 * (heartbeats every few hundred ms) cannot cancel a slow query for ever. But that fetch may
 * have read the server before the change, and its answer clears the query's "invalidated"
 * mark: without a second pass the page would show the old state until some later change of
 * the same kind — on a quiet cluster, never (a promoted task stayed "queued" on its page
 * after it had succeeded). So the queries that were fetching are refetched once more when
 * that fetch settles.
 */
export function invalidateLive(queryClient: QueryClient, filter: QueryFilters, followUpDelayMs = 0): Promise<void> {
  const inFlight = new Set(queryClient.getQueryCache().findAll({ ...filter, fetchStatus: "fetching" }));
  const first = queryClient.invalidateQueries(filter, { cancelRefetch: false });
  if (inFlight.size === 0) return first;
  const followUp = () =>
    queryClient.invalidateQueries({ predicate: (query) => inFlight.has(query) }, { cancelRefetch: false });
  // A pause before the follow-up leaves a moment with nothing fetching: under a steady stream
  // of changes an immediate one kept a query fetching for good, and a page that shows data as
  // current only between fetches (the heartbeat timelines) never did.
  return first.then(() =>
    followUpDelayMs > 0 ? new Promise((resolve) => setTimeout(resolve, followUpDelayMs)).then(followUp) : followUp(),
  );
}
