import type { EmulatorUser, UserDirectory } from "../auth.js";
import type { RateLimitStatus } from "../rate-limit.js";
import type { RenderContext } from "../render/context.js";
import type { EmulatorState } from "../state/emulator-state.js";

export interface HandlerContext {
  /** Request path without any /api/v3 prefix, in its /repos/{owner}/{repo} form. */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON body; undefined when the request had none. */
  body: unknown;
  user: EmulatorUser;
  state: EmulatorState;
  users: UserDirectory;
  render: RenderContext;
  commentCap: number;
  /** Comments of a full list page edited right after it is served (fault injection, see faults.ts). */
  pageChurn: number;
  /** null when rate limiting is turned off (GitHub Enterprise Server). */
  rateLimit: RateLimitStatus | null;
}

export interface HandlerResult {
  status: number;
  body?: unknown;
  link?: string;
  /** ISO timestamp of the object's last change, sent as last-modified (GitHub sends none on lists). */
  lastModified?: string;
}

export type Handler = (context: HandlerContext) => HandlerResult;
