import { waitFor } from "@sentinel/test-support";
import { currentBaseUrl } from "./backend";
import { E2E_OPERATOR_TOKEN } from "./stack-env";

/** Base URL of the stack under test: the running project's (playwright.config.ts). */
export function baseUrl(): string {
  return currentBaseUrl();
}

export interface TrpcCallOptions {
  /** Send the operator token as a bearer token (default true). */
  authenticated?: boolean;
}

interface TrpcEnvelope<T> {
  result?: { data?: { json?: T } };
  error?: { json?: { message?: string; data?: { httpStatus?: number } } };
}

async function unwrap<T>(res: Response, path: string): Promise<T> {
  const body = (await res.json()) as TrpcEnvelope<T>;
  if (!res.ok || body.error) throw new Error(`${path} failed: HTTP ${res.status} ${body.error?.json?.message ?? ""}`);
  return body.result?.data?.json as T;
}

function headers(opts: TrpcCallOptions): Record<string, string> {
  return {
    "content-type": "application/json",
    ...(opts.authenticated === false ? {} : { authorization: `Bearer ${E2E_OPERATOR_TOKEN}` }),
  };
}

/** A tRPC query over plain HTTP (superjson envelope), as any script would call it. */
export async function trpcQuery<T>(path: string, input: unknown, opts: TrpcCallOptions = {}): Promise<T> {
  const url = `${baseUrl()}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  return unwrap<T>(await fetch(url, { headers: headers(opts) }), path);
}

export async function trpcMutationRaw(path: string, input: unknown, opts: TrpcCallOptions = {}): Promise<Response> {
  return fetch(`${baseUrl()}/api/trpc/${path}`, {
    method: "POST",
    headers: headers(opts),
    body: JSON.stringify({ json: input }),
  });
}

export async function trpcMutation<T>(path: string, input: unknown, opts: TrpcCallOptions = {}): Promise<T> {
  return unwrap<T>(await trpcMutationRaw(path, input, opts), path);
}

/** The subset of the task record the tests read. */
export interface TaskView {
  id: string;
  type: string;
  state: string;
  workerId: string | null;
  pinnedWorkerId: string | null;
  fencingToken: number | null;
  attempts: number;
  runAt: number;
  createdAt: number;
  startedAt: number | null;
}

export interface TaskDetail {
  task: TaskView;
  events: Array<{ id: number; kind: string; actor: string; workerId: string | null; data: Record<string, unknown> }>;
  lock: { ownerId: string; token: number } | null;
}

/**
 * Creates the task and returns once the control plane's view has it: the dashboard reads a
 * cache the syncer fills from the store's events, which on GitHub arrive about a settle delay
 * plus a second after the write (docs/github-backend.md, *Events*).
 */
export async function createTask(input: {
  type: string;
  params?: unknown;
  title?: string;
  pinnedWorkerId?: string | null;
  maxAttempts?: number;
}): Promise<TaskView> {
  const created = await trpcMutation<TaskView>("tasks.create", input);
  const shown = async (): Promise<boolean> => {
    const res = await fetch(
      `${baseUrl()}/api/trpc/tasks.get?input=${encodeURIComponent(JSON.stringify({ json: { taskId: created.id } }))}`,
      { headers: headers({}) },
    );
    if (res.status !== 404 && !res.ok) throw new Error(`tasks.get ${created.id} failed: HTTP ${res.status}`);
    return res.ok;
  };
  await waitFor(shown, { timeoutMs: 15_000, intervalMs: 100, what: `the control plane showing task ${created.id}` });
  return created;
}

export function getTask(taskId: string): Promise<TaskDetail> {
  return trpcQuery<TaskDetail>("tasks.get", { taskId });
}
