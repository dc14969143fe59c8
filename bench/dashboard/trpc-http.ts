interface TrpcEnvelope {
  result?: { data?: { json?: unknown } };
  error?: { json?: { message?: string } };
}

export interface TimedResponse {
  status: number;
  body: string;
  /** Request sent → whole body read. */
  ms: number;
  bytes: number;
}

export async function timedGet(url: string): Promise<TimedResponse> {
  const started = performance.now();
  const res = await fetch(url);
  const body = await res.text();
  return { status: res.status, body, ms: performance.now() - started, bytes: Buffer.byteLength(body) };
}

/** One tRPC query over plain HTTP, unbatched (superjson envelope). */
export async function trpcQuery<T>(baseUrl: string, path: string, input: unknown): Promise<T> {
  const response = await timedGet(
    `${baseUrl}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`,
  );
  const envelope = JSON.parse(response.body) as TrpcEnvelope;
  if (response.status !== 200 || envelope.error)
    throw new Error(
      `${path} failed: HTTP ${response.status} ${envelope.error?.json?.message ?? response.body.slice(0, 200)}`,
    );
  return envelope.result?.data?.json as T;
}
