import type { ClockOptions } from "./clock.js";
import { EmulatorOptionsError } from "./emulator-errors.js";
import type { FaultOptions } from "./faults.js";

export interface EmulatorUserOptions {
  login: string;
  /** A login may appear several times with different tokens; its tokens share one rate limit. */
  token: string;
  /** Collaborators (push access) may edit issues and labels and any comment. Default true. */
  collaborator?: boolean;
  id?: number;
  /**
   * An integration's token rather than a user's, e.g. GitHub Actions' GITHUB_TOKEN (login
   * `github-actions[bot]`): it may act on the repository, but GET /user answers 403.
   */
  integration?: boolean;
}

/** A GitHub App: installation tokens are minted with a JWT signed by its private key. */
export interface EmulatorAppOptions {
  id: number;
  /** The app's slug; its installations write as `<slug>[bot]`. */
  slug: string;
  /** PEM public key matching the private key the app signs its JWTs with. */
  publicKey: string;
  /** Installation ids of the app; each may act on every emulated repository. */
  installations: number[];
}

export interface EmulatorRepoOptions {
  owner: string;
  name: string;
  /** Private repositories answer 404 to non-collaborators, as GitHub does. Default false. */
  private?: boolean;
}

export interface PrimaryRateLimitOptions {
  /** Requests per window per login. Default 5,000. */
  limit?: number;
  /** Default one hour. */
  windowMs?: number;
}

export interface SecondaryRateLimitOptions {
  /** Content-creating requests (POST/PATCH/PUT/DELETE) per minute per login. Default 80. */
  perMinute?: number;
  /** Content-creating requests per hour per login. Default 500. */
  perHour?: number;
  /** GitHub answers secondary limits with 403 or 429. Default 403. */
  status?: 403 | 429;
}

export interface EmulatorOptions {
  /** 0 (default) picks an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  users: EmulatorUserOptions[];
  /** "owner/name" or a full description; the owner login is always a collaborator. */
  repos?: Array<string | EmulatorRepoOptions>;
  /** Guards /_emulator/*; a random token is generated when absent. */
  adminToken?: string;
  /**
   * false: GitHub Enterprise Server with rate limiting turned off — `/rate_limit` answers 404
   * "Rate limiting is not enabled." and no `x-ratelimit-*` headers are sent.
   */
  rateLimit?: PrimaryRateLimitOptions | false;
  apps?: EmulatorAppOptions[];
  /** Lifetime of an App installation token (GitHub: one hour). */
  installationTokenTtlMs?: number;
  secondaryRateLimit?: SecondaryRateLimitOptions | false;
  /** Comments allowed per issue before GitHub refuses new ones. Default 2,500. */
  commentCap?: number;
  faults?: Partial<FaultOptions>;
  clock?: ClockOptions;
  /** When set, state is loaded from and saved to this JSON file. */
  persistPath?: string;
  /** Delay that coalesces bursts of writes into one save. Default 100 ms. */
  persistDebounceMs?: number;
}

export const DEFAULT_PRIMARY_LIMIT = 5000;
export const DEFAULT_SECONDARY_PER_MINUTE = 80;
export const DEFAULT_SECONDARY_PER_HOUR = 500;
export const DEFAULT_COMMENT_CAP = 2500;
export const DEFAULT_INSTALLATION_TOKEN_TTL_MS = 3_600_000;
export const BODY_MAX_LENGTH = 65_536;
export const LABEL_NAME_MAX_LENGTH = 50;
export const TITLE_MAX_LENGTH = 256;

export function parseRepoOption(repo: string | EmulatorRepoOptions): EmulatorRepoOptions {
  if (typeof repo !== "string") return repo;
  const [owner, name, ...rest] = repo.split("/");
  if (!owner || !name || rest.length > 0) {
    throw new EmulatorOptionsError("repos", `expected "owner/name", got "${repo}"`);
  }
  return { owner, name };
}
