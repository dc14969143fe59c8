import type { EmulatorUser } from "./auth.js";
import type { RepoRecord } from "./state/records.js";

export type AuthorAssociation = "OWNER" | "COLLABORATOR" | "NONE";

export function isOwner(user: Pick<EmulatorUser, "login">, repo: RepoRecord): boolean {
  return user.login.toLowerCase() === repo.owner.toLowerCase();
}

/** Push access: may edit any issue, label or comment of the repository. */
export function canPush(user: EmulatorUser, repo: RepoRecord): boolean {
  return isOwner(user, repo) || user.collaborator;
}

/** On a public repository every authenticated user may read, open issues and comment. */
export function canRead(user: EmulatorUser, repo: RepoRecord): boolean {
  return !repo.private || canPush(user, repo);
}

export function authorAssociation(user: EmulatorUser | undefined, repo: RepoRecord): AuthorAssociation {
  if (!user) return "NONE";
  if (isOwner(user, repo)) return "OWNER";
  return user.collaborator ? "COLLABORATOR" : "NONE";
}
