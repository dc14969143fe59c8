import { createPublicKey, type KeyObject, randomBytes, verify } from "node:crypto";
import type { UserDirectory } from "./auth.js";
import { toGitHubTimestamp } from "./clock.js";
import { HttpError, notFound } from "./http-error.js";
import { jsonResponse, type OutgoingResponse } from "./http-io.js";
import type { EmulatorAppOptions } from "./options.js";
import type { UrlBase } from "./render/context.js";
import { renderSimpleUser } from "./render/user.js";

/** GitHub refuses JWTs that expire more than 10 minutes ahead; a little slack for clock steps. */
const MAX_JWT_LIFETIME_S = 600 + 60;
const APP_OWNER = { login: "app-owner", id: 900 };
const PERMISSIONS = { issues: "write", metadata: "read" };

interface App extends EmulatorAppOptions {
  key: KeyObject;
}

/**
 * GitHub Apps: `GET /app` and `POST /app/installations/{id}/access_tokens`, authenticated by
 * a JWT (RS256, `iss` = app id, `exp` ≤ 10 minutes ahead) that is checked against the app's
 * public key and the emulator clock. A minted token acts as `<slug>[bot]` until it expires.
 */
export class AppRegistry {
  private readonly apps = new Map<string, App>();

  constructor(
    apps: EmulatorAppOptions[],
    private readonly users: UserDirectory,
    private readonly now: () => number,
    private readonly tokenTtlMs: number,
  ) {
    for (const app of apps) this.apps.set(String(app.id), { ...app, key: createPublicKey(app.publicKey) });
  }

  /** The route template when a path is one of the App endpoints (answered here, with the JWT). */
  routeOf(path: string): string | null {
    if (path === "/app") return "/app";
    return /^\/app\/installations\/[^/]+\/access_tokens$/.test(path)
      ? "/app/installations/{installation_id}/access_tokens"
      : null;
  }

  answer(method: string, path: string, authorization: string | undefined, urls: UrlBase): OutgoingResponse {
    const app = this.authenticate(authorization);
    if (method === "GET" && path === "/app") return jsonResponse(200, this.render(app, urls));
    const installation = Number(/^\/app\/installations\/([^/]+)\/access_tokens$/.exec(path)?.[1]);
    if (method !== "POST" || !app.installations.includes(installation)) throw notFound();
    const bot = this.users.ensureUser(`${app.slug}[bot]`, { collaborator: true, integration: true });
    const token = `ghs_${randomBytes(18).toString("hex")}`;
    const expiresAtMs = this.now() + this.tokenTtlMs;
    this.users.addToken(token, bot, expiresAtMs);
    return jsonResponse(201, {
      token,
      expires_at: toGitHubTimestamp(expiresAtMs),
      permissions: PERMISSIONS,
      repository_selection: "all",
    });
  }

  private authenticate(authorization: string | undefined): App {
    const jwt = /^bearer\s+(\S+)$/i.exec(authorization?.trim() ?? "")?.[1];
    if (!jwt) throw new HttpError(401, "A JSON web token could not be decoded");
    const [header, payload, signature] = jwt.split(".");
    if (!header || !payload || !signature) throw new HttpError(401, "A JSON web token could not be decoded");
    let claims: { iss?: unknown; iat?: unknown; exp?: unknown };
    try {
      claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as typeof claims;
    } catch {
      throw new HttpError(401, "A JSON web token could not be decoded");
    }
    const app = this.apps.get(String(claims.iss));
    if (!app) throw new HttpError(401, "Integration not found");
    const signed = verify(
      "RSA-SHA256",
      Buffer.from(`${header}.${payload}`),
      app.key,
      Buffer.from(signature, "base64url"),
    );
    if (!signed) throw new HttpError(401, "A JSON web token could not be decoded");
    const nowS = Math.floor(this.now() / 1000);
    // GitHub's wording, which @octokit/auth-app recognises to retry with the server's time.
    if (typeof claims.exp !== "number" || claims.exp <= nowS)
      throw new HttpError(
        401,
        "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
      );
    if (claims.exp > nowS + MAX_JWT_LIFETIME_S)
      throw new HttpError(401, "'Expiration time' claim ('exp') is too far in the future");
    if (typeof claims.iat !== "number" || claims.iat > nowS + 60)
      throw new HttpError(
        401,
        "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
      );
    return app;
  }

  private render(app: App, urls: UrlBase) {
    const created = toGitHubTimestamp(Date.UTC(2024, 0, 1));
    return {
      id: app.id,
      slug: app.slug,
      node_id: Buffer.from(`App${app.id}`).toString("base64"),
      client_id: `Iv1.${app.id.toString(16).padStart(16, "0")}`,
      owner: renderSimpleUser(urls, APP_OWNER),
      name: app.slug,
      description: "",
      external_url: `${urls.web}/apps/${app.slug}`,
      html_url: `${urls.web}/apps/${app.slug}`,
      created_at: created,
      updated_at: created,
      permissions: PERMISSIONS,
      events: [],
      installations_count: app.installations.length,
    };
  }
}
