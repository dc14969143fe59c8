import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { type Role, roleSchema } from "../domain/roles.js";
import { NotFoundError, ValidationError } from "../errors.js";
import type { CoordinationStore } from "../store/port.js";

/**
 * Named access tokens for the control plane, kept in the coordination store (setting
 * ACCESS_TOKENS_SETTING_KEY) so the CLI and every control plane share them. Only a SHA-256
 * of each token is stored: the tokens are 256 random bits, so the hash cannot be reversed
 * or guessed, and a reader of the store (or of the GitHub settings issue) learns nothing it
 * can log in with. The plain token is shown once, when it is created or rotated.
 */
export const ACCESS_TOKENS_SETTING_KEY = "access.tokens";
/** Fits the store's 64 KiB setting with room to spare (≈ 250 bytes a token). */
export const MAX_ACCESS_TOKENS = 100;
export const TOKEN_NAME_RE = /^[A-Za-z0-9._-]{1,64}$/;

export const accessTokenSchema = z.object({
  name: z.string().regex(TOKEN_NAME_RE, "letters, digits, '.', '_' or '-', 1–64 chars"),
  role: roleSchema,
  /** sha256 of the token, hex. */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.number().int().nonnegative(),
  createdBy: z.string().max(200),
});
export type AccessToken = z.infer<typeof accessTokenSchema>;

const registrySchema = z.object({ v: z.literal(1), tokens: z.array(accessTokenSchema).max(MAX_ACCESS_TOKENS) });

export function hashAccessToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

function newSecret(): string {
  return `sk_${randomBytes(32).toString("base64url")}`;
}

/** What the setting must hold, for the error that names it. */
const REGISTRY_SHAPE = 'JSON {"v":1,"tokens":[{name, role, hash, createdAt, createdBy}, …]}';

function unreadable(problem: string): ValidationError {
  return new ValidationError(
    `setting ${ACCESS_TOKENS_SETTING_KEY}`,
    `${REGISTRY_SHAPE}; ${problem} — token changes are refused until the setting is fixed or deleted`,
  );
}

/**
 * The stored tokens (none while the setting is absent). A setting that is present but cannot
 * be read throws a ValidationError naming it: read as an empty list, the next create, rotate
 * or revoke would write over every stored token, and a control plane's refresh would end the
 * session of everyone who logged in with one.
 */
export async function listAccessTokens(store: CoordinationStore): Promise<AccessToken[]> {
  const raw = await store.getSetting(ACCESS_TOKENS_SETTING_KEY);
  if (raw === null) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw unreadable("it is not JSON");
  }
  const valid = registrySchema.safeParse(parsed);
  if (!valid.success) {
    const issue = valid.error.issues[0];
    throw unreadable(`${issue?.path.join(".") || "(top level)"}: ${issue?.message ?? "does not match"}`);
  }
  return valid.data.tokens;
}

async function save(store: CoordinationStore, tokens: AccessToken[], actor: string): Promise<void> {
  await store.setSetting(ACCESS_TOKENS_SETTING_KEY, JSON.stringify({ v: 1, tokens }), actor);
}

export interface CreatedAccessToken {
  /** The plain token: shown once, never stored. */
  token: string;
  record: AccessToken;
}

export interface CreateAccessTokenOptions {
  name: string;
  role: Role;
  actor: string;
  /** Names taken elsewhere (the control plane's configured bootstrap tokens). */
  reservedNames?: readonly string[];
}

/** A new named token; the name must be free (rotate an existing one instead). */
export async function createAccessToken(
  store: CoordinationStore,
  opts: CreateAccessTokenOptions,
): Promise<CreatedAccessToken> {
  const name = z.string().regex(TOKEN_NAME_RE).safeParse(opts.name);
  if (!name.success) throw new ValidationError("name", "letters, digits, '.', '_' or '-', 1–64 chars", opts.name);
  const role = roleSchema.safeParse(opts.role);
  if (!role.success) throw new ValidationError("role", "viewer, operator or admin", opts.role);
  const tokens = await listAccessTokens(store);
  if (tokens.some((t) => t.name === opts.name) || opts.reservedNames?.includes(opts.name))
    throw new ValidationError("name", "a name no other token has (revoke or rotate that one)", opts.name);
  if (tokens.length >= MAX_ACCESS_TOKENS)
    throw new ValidationError("tokens", `at most ${MAX_ACCESS_TOKENS} tokens (revoke unused ones)`, tokens.length);
  const token = newSecret();
  const record: AccessToken = {
    name: opts.name,
    role: role.data,
    hash: hashAccessToken(token),
    createdAt: await store.now(),
    createdBy: opts.actor,
  };
  await save(store, [...tokens, record], opts.actor);
  return { token, record };
}

/** Removes the token; sessions logged in with it end at the control planes' next token refresh. */
export async function revokeAccessToken(store: CoordinationStore, name: string, actor: string): Promise<AccessToken> {
  const tokens = await listAccessTokens(store);
  const found = tokens.find((t) => t.name === name);
  if (!found) throw new NotFoundError("token", name);
  await save(
    store,
    tokens.filter((t) => t.name !== name),
    actor,
  );
  return found;
}

/** A new secret for the same name and role; the old one (and its sessions) stop working. */
export async function rotateAccessToken(
  store: CoordinationStore,
  name: string,
  actor: string,
): Promise<CreatedAccessToken> {
  const tokens = await listAccessTokens(store);
  const found = tokens.find((t) => t.name === name);
  if (!found) throw new NotFoundError("token", name);
  const token = newSecret();
  const record: AccessToken = {
    ...found,
    hash: hashAccessToken(token),
    createdAt: await store.now(),
    createdBy: actor,
  };
  await save(
    store,
    tokens.map((t) => (t.name === name ? record : t)),
    actor,
  );
  return { token, record };
}
