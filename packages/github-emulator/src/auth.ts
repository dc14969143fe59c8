import { HttpError } from "./http-error.js";
import type { EmulatorUserOptions } from "./options.js";

export interface EmulatorUser {
  login: string;
  id: number;
  collaborator: boolean;
}

const FIRST_USER_ID = 1000;

/** Tokens → users. Several tokens may map to one login (they then share its rate limits). */
export class UserDirectory {
  private readonly byTokenMap = new Map<string, EmulatorUser>();
  private readonly byLoginMap = new Map<string, EmulatorUser>();

  constructor(users: EmulatorUserOptions[]) {
    for (const options of users) {
      if (!options.login || !options.token) throw new Error("users: every user needs a non-empty login and token");
      if (this.byTokenMap.has(options.token))
        throw new Error(`users: token of "${options.login}" is already used by another user`);
      const key = options.login.toLowerCase();
      let user = this.byLoginMap.get(key);
      if (!user) {
        user = {
          login: options.login,
          id: options.id ?? FIRST_USER_ID + this.byLoginMap.size,
          collaborator: options.collaborator ?? true,
        };
        this.byLoginMap.set(key, user);
      }
      this.byTokenMap.set(options.token, user);
    }
  }

  byToken(token: string): EmulatorUser | undefined {
    return this.byTokenMap.get(token);
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

export function authenticate(
  directory: UserDirectory,
  authorization: string | undefined,
): { user: EmulatorUser; token: string } {
  if (!authorization) {
    throw new HttpError(401, "Requires authentication", { documentationUrl: "https://docs.github.com/rest" });
  }
  const token = readToken(authorization);
  const user = token === undefined ? undefined : directory.byToken(token);
  if (!user || token === undefined)
    throw new HttpError(401, "Bad credentials", { documentationUrl: "https://docs.github.com/rest" });
  return { user, token };
}
