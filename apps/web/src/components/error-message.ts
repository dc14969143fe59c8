/** A readable message from whatever a query or mutation rejected with (tRPC errors, fetch failures, strings). */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error && typeof error === "object" && "message" in error && typeof error.message === "string")
    return error.message;
  return String(error);
}
