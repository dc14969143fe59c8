import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedAlert {
  headers: IncomingHttpHeaders;
  body: {
    text: string;
    blocks?: unknown[];
    sentinel: {
      event: "fired" | "resolved";
      deliveryId: string;
      alertId: number;
      rule: string;
      subject: string | null;
    };
  };
  /** The status this receiver answered with. */
  status: number;
}

export interface AlertReceiver {
  /** Base URL with a secret-looking path, as an incoming webhook has. */
  url: string;
  received: ReceivedAlert[];
  /** Answer the next requests with these statuses (then 200). */
  failNext(...statuses: number[]): void;
  /** Whether the request's X-Sentinel-Signature is the HMAC of its timestamp and body under `secret`. */
  signatureValid(received: ReceivedAlert, secret: string): boolean;
  close(): Promise<void>;
}

/**
 * A real local HTTP server standing in for Slack's incoming webhook: it keeps every POST to
 * `path` (anything else gets 404). Port 0 picks a free one.
 */
export async function startAlertReceiver(
  path = "/services/T000/B000/secret-path-token",
  port = 0,
): Promise<AlertReceiver> {
  const received: ReceivedAlert[] = [];
  const raw = new WeakMap<ReceivedAlert, string>();
  const planned: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const status = req.method === "POST" && req.url === path ? (planned.shift() ?? 200) : 404;
      try {
        const entry: ReceivedAlert = { headers: req.headers, body: JSON.parse(text), status };
        raw.set(entry, text);
        received.push(entry);
      } catch {
        // Not JSON: not a delivery; answered below and not kept.
      }
      res.writeHead(status, { "content-type": "text/plain" }).end(status === 200 ? "ok" : "failed");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}${path}`,
    received,
    failNext: (...statuses) => planned.push(...statuses),
    signatureValid(entry, secret) {
      const signature = String(entry.headers["x-sentinel-signature"] ?? "");
      const expected = `sha256=${createHmac("sha256", secret)
        .update(`${entry.headers["x-sentinel-timestamp"]}.${raw.get(entry)}`)
        .digest("hex")}`;
      return signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
