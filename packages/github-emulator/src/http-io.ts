import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { HttpError, problemsParsingJson } from "./http-error.js";

const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

export interface OutgoingResponse {
  status: number;
  headers: Record<string, string>;
  /** Serialized JSON, or "" for bodiless answers (204, 304). */
  body: string;
}

export async function readRequestText(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_REQUEST_BYTES) throw new HttpError(413, "Payload too large");
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Empty bodies parse to undefined; anything that is not JSON is GitHub's 400. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw problemsParsingJson();
  }
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): OutgoingResponse {
  const bodiless = status === 204 || status === 304 || body === undefined;
  return { status, headers, body: bodiless ? "" : JSON.stringify(body) };
}

export function errorResponse(error: HttpError): OutgoingResponse {
  return jsonResponse(error.status, error.body, error.headers);
}

export function writeResponse(response: ServerResponse, outgoing: OutgoingResponse): void {
  if (response.destroyed || response.writableEnded) return;
  const headers: Record<string, string> = { ...outgoing.headers };
  if (outgoing.body !== "") {
    headers["content-type"] = "application/json; charset=utf-8";
    headers["content-length"] = String(Buffer.byteLength(outgoing.body));
  }
  response.writeHead(outgoing.status, headers);
  response.end(outgoing.body);
}

/** Shaped like GitHub's request ids (hex groups), e.g. C0DE:1A2B:3C4D5E:6F7A8B:65A1B2C3. */
export function newRequestId(): string {
  const hex = randomBytes(16).toString("hex").toUpperCase();
  return [hex.slice(0, 4), hex.slice(4, 8), hex.slice(8, 14), hex.slice(14, 20), hex.slice(20, 28)].join(":");
}
