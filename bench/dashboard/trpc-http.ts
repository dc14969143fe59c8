interface TrpcEnvelope {
  result?: { data?: { json?: unknown } };
  error?: { json?: { message?: string } };
}

export interface TrpcResponse<T> {
  data: T;
  /** Request sent → whole body read. */
  ms: number;
  bytes: number;
}

/** One tRPC query over plain HTTP, as the browser's non-batched call would send it (superjson envelope). */
export async function trpcQuery<T>(baseUrl: string, path: string, input: unknown): Promise<TrpcResponse<T>> {
  const url = `${baseUrl}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  const started = performance.now();
  const res = await fetch(url);
  const body = await res.text();
  const ms = performance.now() - started;
  const envelope = JSON.parse(body) as TrpcEnvelope;
  if (!res.ok || envelope.error) throw new Error(`${path} failed: HTTP ${res.status} ${envelope.error?.json?.message ?? body.slice(0, 200)}`);
  return { data: envelope.result?.data?.json as T, ms, bytes: Buffer.byteLength(body) };
}
