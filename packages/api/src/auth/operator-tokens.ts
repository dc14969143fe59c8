import { randomBytes } from "node:crypto";
import { ConfigError, hashAccessToken, type Role, TOKEN_NAME_RE } from "@sentinel/coordination";

/** A token the control plane accepts: configured at start (env) or kept in the store (named, revocable). */
export interface TokenIdentity {
  name: string;
  role: Role;
  /** sha256 of the token, hex: what is compared and what sessions are tied to. */
  hash: string;
  source: "env" | "store";
  createdAt: number | null;
  createdBy: string | null;
}

export interface BootstrapTokens {
  tokens: TokenIdentity[];
  /** Set when none was configured: the launcher prints it once, it is never logged. */
  generated: string | null;
}

const MIN_TOKEN_LENGTH = 16;

function bootstrap(name: string, token: string): TokenIdentity {
  // The configured tokens are the first admins: whoever sets up the control plane holds them.
  return { name, role: "admin", hash: hashAccessToken(token), source: "env", createdAt: null, createdBy: null };
}

/**
 * SENTINEL_OPERATOR_TOKEN: comma-separated `name:token` pairs, or one bare token for the
 * token called "operator"; each is an admin token. Unset or empty → one random token is
 * generated. Further tokens (any role) are created in the store: `sentinel token create`.
 */
export function parseOperatorTokens(raw: string | undefined): BootstrapTokens {
  const entries = (raw ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) {
    const token = randomBytes(24).toString("base64url");
    return { tokens: [bootstrap("operator", token)], generated: token };
  }
  const tokens = entries.map((entry) => {
    const colon = entry.indexOf(":");
    const name = colon === -1 ? "operator" : entry.slice(0, colon);
    const token = colon === -1 ? entry : entry.slice(colon + 1);
    if (!TOKEN_NAME_RE.test(name))
      throw new ConfigError(
        "SENTINEL_OPERATOR_TOKEN",
        "operator names of letters, digits, '.', '_' or '-' (name:token)",
        "environment",
      );
    if (token.length < MIN_TOKEN_LENGTH)
      throw new ConfigError(
        "SENTINEL_OPERATOR_TOKEN",
        `tokens of at least ${MIN_TOKEN_LENGTH} characters`,
        "environment",
      );
    return bootstrap(name, token);
  });
  return { tokens, generated: null };
}
