import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createAppAuth } from "@octokit/auth-app";
import { z } from "zod";
import { ConfigError } from "../../../errors.js";
import type { ServerClock } from "./server-clock.js";

/** A GitHub App installation: tokens are minted from the app's key and refreshed before they expire. */
export const appCredentialsSchema = z
  .object({
    appId: z.number().int().positive(),
    /** The app's private key, PEM (PKCS#1 or PKCS#8). */
    privateKey: z.string().includes("PRIVATE KEY", { message: "a PEM private key" }),
    installationId: z.number().int().positive(),
  })
  .strict();
export type AppCredentials = z.infer<typeof appCredentialsSchema>;

export interface Credentials {
  token?: string;
  app?: AppCredentials;
}

/** The GitHub Actions runner sets this; its GITHUB_TOKEN writes as github-actions[bot]. */
export const ACTIONS_LOGIN = "github-actions[bot]";
const ENV_SOURCE = "environment";

/**
 * GITHUB_APP_ID + GITHUB_APP_PRIVATE_KEY (or _FILE) + GITHUB_APP_INSTALLATION_ID select a
 * GitHub App installation; otherwise GITHUB_TOKEN (personal, fine-grained, an installation
 * token minted elsewhere, or Actions' own) is required.
 */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): Credentials {
  const appId = env.GITHUB_APP_ID?.trim();
  if (!appId) {
    const token = env.GITHUB_TOKEN?.trim();
    if (!token)
      throw new ConfigError(
        "GITHUB_TOKEN",
        "a GitHub token (personal, fine-grained or installation token), or GitHub App credentials (GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY, GITHUB_APP_INSTALLATION_ID)",
        ENV_SOURCE,
      );
    return { token };
  }
  return {
    app: {
      appId: positiveInt(env, "GITHUB_APP_ID", "the GitHub App's numeric id"),
      privateKey: privateKeyFromEnv(env),
      installationId: positiveInt(env, "GITHUB_APP_INSTALLATION_ID", "the numeric id of the app's installation"),
    },
  };
}

function positiveInt(env: NodeJS.ProcessEnv, key: string, expected: string): number {
  const value = env[key]?.trim() ?? "";
  if (!/^[1-9]\d*$/.test(value)) throw new ConfigError(key, expected, ENV_SOURCE);
  return Number(value);
}

function privateKeyFromEnv(env: NodeJS.ProcessEnv): string {
  const file = env.GITHUB_APP_PRIVATE_KEY_FILE?.trim();
  let key = env.GITHUB_APP_PRIVATE_KEY?.trim();
  if (!key && file) {
    try {
      key = readFileSync(file, "utf8").trim();
    } catch (error) {
      throw new ConfigError(
        "GITHUB_APP_PRIVATE_KEY_FILE",
        `a readable PEM file (${(error as NodeJS.ErrnoException).code ?? "unreadable"})`,
        ENV_SOURCE,
      );
    }
  }
  // Keys passed through one-line secret stores often carry "\n" escapes instead of newlines.
  key = key?.replace(/\\n/g, "\n");
  if (!key?.includes("PRIVATE KEY"))
    throw new ConfigError(
      file ? "GITHUB_APP_PRIVATE_KEY_FILE" : "GITHUB_APP_PRIVATE_KEY",
      "the GitHub App's PEM private key (or GITHUB_APP_PRIVATE_KEY_FILE naming a file that holds it)",
      ENV_SOURCE,
    );
  return key;
}

/** Stores of one process on one credential share plugin-throttling's spacing groups. */
export function credentialId(credentials: Credentials): string {
  const material = credentials.app
    ? `app:${credentials.app.appId}:${credentials.app.installationId}`
    : `token:${credentials.token ?? ""}`;
  return createHash("sha256").update(material).digest("hex").slice(0, 16);
}

/** Octokit's `auth` / `authStrategy` options for the credentials. */
export function octokitAuth(credentials: Credentials, clock: ServerClock): Record<string, unknown> {
  if (!credentials.app) return { auth: credentials.token };
  return {
    authStrategy: createAppAuth,
    auth: { ...credentials.app, cache: new InstallationTokenCache(clock) },
  };
}

/** Refresh no later than this before an installation token expires (GitHub's tokens last an hour). */
const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * @octokit/auth-app's token cache, judged by the store clock. Its default cache keeps a
 * token for 59 minutes of *local* time, which is wrong on a skewed machine and for tokens
 * with other lifetimes; this one refreshes a token once the server's clock reaches its
 * `expires_at` less a margin (5 minutes, or a fifth of the lifetime left when minted).
 * Entries are auth-app's own strings: `token|createdAt|expiresAt|…`.
 */
class InstallationTokenCache {
  private readonly entries = new Map<string, { value: string; refreshAtMs: number }>();

  constructor(private readonly clock: ServerClock) {}

  get(key: string): string | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.clock.hasSample() && this.clock.now() >= entry.refreshAtMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: string): void {
    const expiresAtMs = Date.parse(value.split("|")[2] ?? "");
    const now = this.clock.hasSample() ? this.clock.now() : expiresAtMs - 2 * REFRESH_MARGIN_MS;
    const margin = Math.min(REFRESH_MARGIN_MS, Math.max(0, (expiresAtMs - now) / 5));
    this.entries.set(key, { value, refreshAtMs: Number.isNaN(expiresAtMs) ? now : expiresAtMs - margin });
  }
}
