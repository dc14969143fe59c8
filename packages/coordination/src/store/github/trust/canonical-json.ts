/**
 * Deterministic JSON: object keys sorted at every depth, no whitespace. The HMAC covers this
 * form, so re-serialisation by GitHub or by a reader cannot change what was signed.
 * (RFC 8785 also normalises numbers; our payloads only carry integers and JSON-safe values.)
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    const text = JSON.stringify(value);
    return text === undefined ? "null" : text;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}
