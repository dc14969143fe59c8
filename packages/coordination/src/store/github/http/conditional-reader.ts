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

  constructor(private readonly client: GithubClient) {}

  async listAll<T>(route: string, params: Record<string, string | number | undefined>): Promise<T[]> {
    const items: T[] = [];
    for (let page = 1; ; page += 1) {
      const data = await this.getPage(route, { ...params, per_page: PER_PAGE, page });
      items.push(...(data as T[]));
      if (data.length < PER_PAGE) return items;
    }
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
