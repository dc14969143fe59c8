import { RequestError } from "@octokit/request-error";
import type { GithubClient } from "./octokit-client.js";

const PER_PAGE = 100;
const MAX_CACHED_PAGES = 5000;

interface CachedPage {
  etag: string;
  data: unknown[];
}

/**
 * Paginated GETs with ETags. Every page keeps its own ETag, and every page is revalidated
 * on each read — including the last — because a 304 on page 1 says nothing about items
 * added to later pages. A 304 costs no primary budget.
 */
export class ConditionalReader {
  private readonly pages = new Map<string, CachedPage>();

  constructor(private readonly client: Pick<GithubClient, "request">) {}

  async listAll<T>(route: string, params: Record<string, string | number | undefined>): Promise<T[]> {
    const items: T[] = [];
    for (let page = 1; ; page += 1) {
      const data = await this.getPage(route, { ...params, per_page: PER_PAGE, page });
      items.push(...(data as T[]));
      if (data.length < PER_PAGE) return items;
    }
  }

  /**
   * A list sorted by `updated_at` ascending, read with a `since` cursor instead of page
   * numbers: each next request starts at the last item's `updated_at` (inclusive), so an
   * item edited or deleted while the list is read cannot shift a later one off the page
   * boundary (an edited item moves behind the cursor and is read there). Only when a whole
   * page shares one second does it page within that second. Items are deduplicated by id,
   * the newest version kept.
   */
  async listBySince<T extends { id: number; updated_at: string }>(
    route: string,
    params: Record<string, string | number | undefined>,
    since: string | undefined,
  ): Promise<T[]> {
    const byId = new Map<number, T>();
    let cursor = since;
    let page = 1;
    for (;;) {
      const data = (await this.getPage(route, { ...params, since: cursor, per_page: PER_PAGE, page })) as T[];
      for (const item of data) {
        const known = byId.get(item.id);
        if (!known || known.updated_at <= item.updated_at) byId.set(item.id, item);
      }
      const last = data.at(-1)?.updated_at;
      if (data.length < PER_PAGE || last === undefined) break;
      if (last === cursor) page += 1;
      else [cursor, page] = [last, 1];
    }
    return [...byId.values()].sort((a, b) => a.updated_at.localeCompare(b.updated_at) || a.id - b.id);
  }

  private async getPage(route: string, params: Record<string, string | number | undefined>): Promise<unknown[]> {
    const key = `${route} ${JSON.stringify(params)}`;
    const cached = this.pages.get(key);
    try {
      const response = await this.client.request(route, {
        ...params,
        headers: cached ? { "if-none-match": cached.etag } : {},
      });
      const data = response.data as unknown[];
      const etag = response.headers.etag;
      if (etag) this.remember(key, { etag, data });
      return data;
    } catch (error) {
      if (error instanceof RequestError && error.status === 304 && cached) return cached.data;
      throw error;
    }
  }

  /** Keeps recently used pages; `since` lists move their URL forward, so old keys go stale. */
  private remember(key: string, page: CachedPage): void {
    this.pages.delete(key);
    this.pages.set(key, page);
    if (this.pages.size > MAX_CACHED_PAGES) {
      const oldest = this.pages.keys().next().value;
      if (oldest !== undefined) this.pages.delete(oldest);
    }
  }
}
