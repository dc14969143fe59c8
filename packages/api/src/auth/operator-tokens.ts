import { randomBytes } from "node:crypto";
import { ConfigError } from "@sentinel/coordination";

export interface OperatorToken {
  operator: string;
  token: string;
}

export interface OperatorTokens {
  tokens: OperatorToken[];
  /** Set when none was configured: the launcher prints it once, it is never logged. */
  generated: string | null;
}

const NAME_RE = /^[A-Za-z0-9._-]{1,64}$/;
const MIN_TOKEN_LENGTH = 16;

/**
 * SENTINEL_OPERATOR_TOKEN: comma-separated `name:token` pairs, or one bare token for the
 * operator called "operator". Unset or empty → one random token is generated.
 */
export function parseOperatorTokens(raw: string | undefined): OperatorTokens {
  const entries = (raw ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) {
    const token = randomBytes(24).toString("base64url");
    return { tokens: [{ operator: "operator", token }], generated: token };
  }
  const tokens = entries.map((entry) => {
    const colon = entry.indexOf(":");
    const operator = colon === -1 ? "operator" : entry.slice(0, colon);
    const token = colon === -1 ? entry : entry.slice(colon + 1);
    if (!NAME_RE.test(operator))
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
    return { operator, token };
  });
  return { tokens, generated: null };
}
