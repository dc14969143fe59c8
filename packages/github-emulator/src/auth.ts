import { EmulatorOptionsError } from "./emulator-errors.js";
import { HttpError } from "./http-error.js";
import type { EmulatorUserOptions } from "./options.js";

export interface EmulatorUser {
  login: string;
  id: number;
  collaborator: boolean;
  /** "Bot" for GitHub App installations and the Actions token's github-actions[bot]. */
  type: "User" | "Bot";
  /**
   * Integration tokens (App installations, Actions) act on repositories but are no user:
   * GET /user answers them 403 "Resource not accessible by integration".
   */
  integration: boolean;
}

interface TokenEntry {
  user: EmulatorUser;
  /** Emulator-clock ms after which the token answers 401 (installation tokens); none for configured tokens. */
  expiresAtMs?: number;
}

const FIRST_USER_ID = 1000;
const DOCS_URL = "https://docs.github.com/rest";

/** Tokens → users. Several tokens may map to one login (they then share its rate limits). */
export class UserDirectory {
  private readonly byTokenMap = new Map<string, TokenEntry>();
  private readonly byLoginMap = new Map<string, EmulatorUser>();

  constructor(users: EmulatorUserOptions[]) {
    for (const options of users) {
      if (!options.login || !options.token)
        throw new EmulatorOptionsError("users", "every user needs a non-empty login and token");
      if (this.byTokenMap.has(options.token))
        throw new EmulatorOptionsError("users", `token of "${options.login}" is already used by another user`);
      const user = this.ensureUser(options.login, {
        id: options.id,
        collaborator: options.collaborator ?? true,
        integration: options.integration ?? false,
      });
      this.byTokenMap.set(options.token, { user });
    }
  }

  /** The user of a login, created on first use (an App's bot appears when its first token is minted). */
  ensureUser(login: string, traits: { id?: number; collaborator: boolean; integration: boolean }): EmulatorUser {
    const key = login.toLowerCase();
    let user = this.byLoginMap.get(key);
    if (!user) {
      user = {
        login,
        id: traits.id ?? FIRST_USER_ID + this.byLoginMap.size,
        collaborator: traits.collaborator,
        type: traits.integration || login.endsWith("[bot]") ? "Bot" : "User",
        integration: traits.integration,
      };
      this.byLoginMap.set(key, user);
    }
    return user;
  }

  /** A token that stops working at `expiresAtMs` (emulator clock), as installation tokens do after an hour. */
  addToken(token: string, user: EmulatorUser, expiresAtMs: number): void {
    this.byTokenMap.set(token, { user, expiresAtMs });
  }

  byToken(token: string, nowMs: number): EmulatorUser | undefined {
    const entry = this.byTokenMap.get(token);
    if (!entry) return undefined;
    if (entry.expiresAtMs !== undefined && nowMs >= entry.expiresAtMs) {
      this.byTokenMap.delete(token);
      return undefined;
    }
    return entry.user;
  }

  byLogin(login: string): EmulatorUser | undefined {
    return this.byLoginMap.get(login.toLowerCase());
  }
}

/** Accepts `token X`, `Bearer X` and Basic `login:X`, the schemes GitHub accepts for tokens. */
export function readToken(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const match = /^(\S+)\s+(.+)$/.exec(authorization.trim());
  if (!match) return undefined;
  const scheme = match[1]?.toLowerCase();
  const credential = match[2]?.trim() ?? "";
  if (scheme === "token" || scheme === "bearer") return credential;
  if (scheme === "basic") return Buffer.from(credential, "base64").toString("utf8").split(":").slice(1).join(":");
  return undefined;
}

export function requireAuthorization(authorization: string | undefined): string {
  if (!authorization) throw new HttpError(401, "Requires authentication", { documentationUrl: DOCS_URL });
  return authorization;
}

export function badCredentials(): HttpError {
  return new HttpError(401, "Bad credentials", { documentationUrl: DOCS_URL });
}

export function authenticate(
  directory: UserDirectory,
  authorization: string | undefined,
  nowMs: number,
): { user: EmulatorUser; token: string } {
  const token = readToken(requireAuthorization(authorization));
  const user = token === undefined ? undefined : directory.byToken(token, nowMs);
  if (!user || token === undefined) throw badCredentials();
  return { user, token };
}
