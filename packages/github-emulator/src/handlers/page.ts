import { type Page, paginate, readPageRequest } from "../pagination.js";
import type { RepoState } from "../state/repo-state.js";
import type { HandlerContext } from "./context.js";

/**
 * One page of a repository list. Like GitHub, the link header points at the
 * /repositories/{id}/… form of the URL, not at /repos/{owner}/{repo}/….
 */
export function pageOf<T>(context: HandlerContext, repo: RepoState, items: T[]): Page<T> {
  const rest = context.path.split("/").slice(4).join("/");
  const listUrl = new URL(`${context.render.urls.api}/repositories/${repo.record.id}/${rest}`);
  for (const [key, value] of context.query) listUrl.searchParams.append(key, value);
  return paginate(items, readPageRequest(context.query), listUrl);
}
