/** Network failures node reports with an errno code: the server is not (yet) reachable. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
]);

/**
 * SQLSTATEs that say "try again": 08xxx connection exceptions, 57P01–57P03 (the server shutting
 * down, crashed, or still starting), 53300 too many connections, 40001/40P01 (a transaction
 * chosen as a serialization or deadlock victim).
 */
function transientSqlState(code: string): boolean {
  return code.startsWith("08") || ["57P01", "57P02", "57P03", "53300", "40001", "40P01"].includes(code);
}

/**
 * Why a Postgres call failed if the database was only briefly unavailable (a restart, a
 * fail-over, a dropped connection, a pool timeout), else null. node-postgres reports a
 * connection that ended mid-query or a pool that could not connect in time by message only.
 */
export function transientPostgresCause(error: unknown): string | null {
  if (!(error instanceof Error)) return null;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && (NETWORK_CODES.has(code) || transientSqlState(code)))
    return `Postgres ${code}: ${error.message}`;
  if (
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
      error.message,
    )
  )
    return `Postgres: ${error.message}`;
  return null;
}
