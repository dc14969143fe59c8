import type { EmulatorUser, UserDirectory } from "../auth.js";
import { nodeId, type UrlBase } from "./context.js";

export function renderSimpleUser(
  urls: UrlBase,
  user: Pick<EmulatorUser, "login" | "id"> & { type?: EmulatorUser["type"] },
) {
  const api = `${urls.api}/users/${user.login}`;
  return {
    login: user.login,
    id: user.id,
    node_id: nodeId("User", user.id),
    avatar_url: `${urls.web}/avatars/u/${user.id}?v=4`,
    gravatar_id: "",
    url: api,
    html_url: `${urls.web}/${user.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: user.type ?? "User",
    user_view_type: "public",
    site_admin: false,
  };
}

/** Users who wrote something but are no longer configured still render, with a stable id. */
export function renderLogin(urls: UrlBase, users: UserDirectory, login: string) {
  return renderSimpleUser(urls, users.byLogin(login) ?? { login, id: 1 });
}

/** GET /user answers the private view of the authenticated user. */
export function renderPrivateUser(urls: UrlBase, user: EmulatorUser, createdAt: string) {
  return {
    ...renderSimpleUser(urls, user),
    user_view_type: "private",
    name: user.login,
    company: null,
    blog: "",
    location: null,
    email: null,
    notification_email: null,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: createdAt,
    updated_at: createdAt,
    private_gists: 0,
    total_private_repos: 0,
    owned_private_repos: 0,
    disk_usage: 0,
    collaborators: 0,
    two_factor_authentication: false,
    plan: { name: "free", space: 976562499, collaborators: 0, private_repos: 10000 },
  };
}
