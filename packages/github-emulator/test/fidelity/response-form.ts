import type { RecordedResponse } from "./recordings.js";

/**
 * The form of a response, as aspect → descriptor: what must agree between GitHub and the
 * emulator (status, which headers are sent and in what form, the body's keys and value
 * types) without the values that legitimately differ (ids, times, hashes, hosts).
 */
export type ResponseForm = Record<string, string>;

/** Transport headers that depend on the connection, not on the API. */
const TRANSPORT_HEADERS = new Set(["connection", "keep-alive", "content-length", "transfer-encoding"]);

const HTTP_DATE = (value: string) => (Number.isNaN(Date.parse(value)) ? `not an HTTP date: ${value}` : "HTTP date");
const INTEGER = (value: string) => (/^\d+$/.test(value) ? "integer" : `not an integer: ${value}`);

/** How each header's value is described; headers not listed are compared by exact value. */
const DESCRIBE: Record<string, (value: string, response: RecordedResponse, apiBase: string) => string> = {
  date: HTTP_DATE,
  "last-modified": HTTP_DATE,
  etag: (value) => value.replace(/[0-9a-f]{16,}/gi, (hex) => `<${hex.length} hex>`),
  "x-github-request-id": requestIdForm,
  "x-ratelimit-limit": INTEGER,
  "x-ratelimit-remaining": INTEGER,
  "x-ratelimit-used": INTEGER,
  "x-ratelimit-reset": (value) => (/^\d{10}$/.test(value) ? "epoch seconds" : `not epoch seconds: ${value}`),
  "retry-after": INTEGER,
  location: (value, response, apiBase) =>
    value === (response.body as { url?: unknown } | undefined)?.url ? "the body's url" : urlShape(value, apiBase),
  link: linkForm,
  // Which scopes a classic token has is the token's business; that the header is sent is GitHub's.
  "x-oauth-scopes": () => "sent",
  "x-accepted-oauth-scopes": () => "sent",
};

export function responseForm(response: RecordedResponse, apiBase: string): ResponseForm {
  const form: ResponseForm = { status: String(response.status) };
  for (const [name, value] of Object.entries(response.headers)) {
    if (TRANSPORT_HEADERS.has(name)) continue;
    form[`header ${name}`] = DESCRIBE[name]?.(value, response, apiBase) ?? value;
  }
  const { "x-ratelimit-limit": limit, "x-ratelimit-remaining": remaining, "x-ratelimit-used": used } = response.headers;
  if (limit !== undefined && remaining !== undefined && used !== undefined)
    form["x-ratelimit used + remaining"] = Number(used) + Number(remaining) === Number(limit) ? "= limit" : "≠ limit";
  if (response.body !== undefined) describeBody(response.body, "$", form);
  return form;
}

/** GitHub's request ids are five colon-separated groups of upper-case hex, e.g. 0680:6A2A:111D4F8:26659C5:62D63550. */
function requestIdForm(value: string): string {
  const groups = value.split(":");
  if (!groups.every((group) => /^[0-9A-F]+$/.test(group))) return `not upper-case hex groups: ${value}`;
  return `${groups.length} hex groups, first of ${groups[0]?.length}, last of ${groups.at(-1)?.length}`;
}

/** The URL without its host, numbers replaced by #: /repositories/#/issues?per_page=#&page=#. */
function urlShape(url: string, apiBase: string): string {
  const path = url.startsWith(apiBase) ? url.slice(apiBase.length) : `(other host) ${url}`;
  return path.replace(/\d+/g, "#");
}

/** Each relation in order, with the shape of its URL. */
function linkForm(value: string, _response: RecordedResponse, apiBase: string): string {
  return value
    .split(/,\s*(?=<)/)
    .map((part) => {
      const match = /^<([^>]+)>;\s*rel="([^"]+)"$/.exec(part.trim());
      return match ? `rel="${match[2]}" ${urlShape(match[1] ?? "", apiBase)}` : `unparsable: ${part}`;
    })
    .join(", ");
}

/** Keys and value types, recursively; an array is described by its first element. */
function describeBody(value: unknown, path: string, form: ResponseForm): void {
  if (Array.isArray(value)) {
    form[`body ${path}`] = value.length > 0 ? "array" : "empty array";
    if (value.length > 0) describeBody(value[0], `${path}[]`, form);
    return;
  }
  if (value !== null && typeof value === "object") {
    form[`body ${path}`] = "object";
    for (const [key, item] of Object.entries(value)) describeBody(item, `${path}.${key}`, form);
    return;
  }
  form[`body ${path}`] = value === null ? "null" : Number.isInteger(value) ? "integer" : typeof value;
}
