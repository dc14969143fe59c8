import type { Emulator } from "../../src/index.js";
import type { RecordedResponse } from "./recordings.js";

/**
 * One request to the emulator, sent as the recordings were: v3 JSON accept header, a token,
 * and no compression asked for (the recorder sent no accept-encoding; GitHub answers a
 * compressed request with a weakened etag, see src/etag.ts).
 */
export async function replay(
  emulator: Emulator,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<RecordedResponse> {
  const headers: Record<string, string> = {
    accept: "application/vnd.github.v3+json",
    authorization: `token ${token}`,
    "accept-encoding": "identity",
  };
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${emulator.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const responseHeaders: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    responseHeaders[name] = value;
  });
  return {
    status: response.status,
    headers: responseHeaders,
    body: text === "" ? undefined : (JSON.parse(text) as unknown),
  };
}
