import { z } from "zod";

/**
 * Who may do what, from least to most: a viewer reads, an operator also acts on tasks,
 * workers, locks and queues, an admin also manages tokens and settings. Each role includes
 * everything below it.
 */
export const ROLES = ["viewer", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];
export const roleSchema = z.enum(ROLES);

/** Whether a caller holding `held` may use something that needs `needed`. */
export function roleAllows(held: Role, needed: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(needed);
}

/** The refusal a caller gets, naming what it holds and what the call needs. */
export function describeRoleRefusal(held: Role | null, needed: Role, what: string): string {
  return held === null
    ? `${what} needs the ${needed} role: log in with a ${needed} token`
    : `${what} needs the ${needed} role; this token's role is ${held}`;
}
