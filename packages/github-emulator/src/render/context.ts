import type { EmulatorUser, UserDirectory } from "../auth.js";
import type { RepoRecord } from "../state/records.js";

/** Where the emulator is reached, so the URLs in bodies point back at it. */
export interface UrlBase {
  /** REST root, e.g. http://127.0.0.1:4010 or http://host/api/v3. */
  api: string;
  /** Stands in for https://github.com in html_url fields. */
  web: string;
}

export interface RenderContext {
  urls: UrlBase;
  users: UserDirectory;
  /** The authenticated user, for permissions and author_association. */
  viewer: EmulatorUser;
}

export function repoApiUrl(urls: UrlBase, repo: RepoRecord): string {
  return `${urls.api}/repos/${repo.owner}/${repo.name}`;
}

export function repoWebUrl(urls: UrlBase, repo: RepoRecord): string {
  return `${urls.web}/${repo.owner}/${repo.name}`;
}

/** GitHub's legacy global node id: base64 of "0<length of type>:<Type><id>", e.g. "04:User1". */
export function nodeId(type: string, id: number): string {
  return Buffer.from(`0${type.length}:${type}${id}`).toString("base64");
}
