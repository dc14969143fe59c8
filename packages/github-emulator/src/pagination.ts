export const DEFAULT_PER_PAGE = 30;
export const MAX_PER_PAGE = 100;

export interface PageRequest {
  page: number;
  perPage: number;
}

export interface Page<T> {
  items: T[];
  link: string | undefined;
}

/** GitHub clamps per_page to 100 and falls back to defaults on values it cannot use. */
export function readPageRequest(query: URLSearchParams): PageRequest {
  const perPage = Number.parseInt(query.get("per_page") ?? "", 10);
  const page = Number.parseInt(query.get("page") ?? "", 10);
  return {
    perPage: Number.isFinite(perPage) && perPage > 0 ? Math.min(perPage, MAX_PER_PAGE) : DEFAULT_PER_PAGE,
    page: Number.isFinite(page) && page > 0 ? page : 1,
  };
}

/**
 * Slices one page and builds GitHub's `link` header (rel prev, next, last, first in that
 * order) from `listUrl`, the public URL of the list with the client's query.
 */
export function paginate<T>(items: T[], request: PageRequest, listUrl: URL): Page<T> {
  const { page, perPage } = request;
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  const pageItems = items.slice((page - 1) * perPage, page * perPage);
  const relations: Array<[string, number]> = [];
  if (page > 1) relations.push(["prev", Math.min(page - 1, lastPage)]);
  if (page < lastPage) relations.push(["next", page + 1], ["last", lastPage]);
  if (page > 1) relations.push(["first", 1]);
  const link = relations.map(([rel, target]) => `<${pageUrl(listUrl, target)}>; rel="${rel}"`).join(", ");
  return { items: pageItems, link: link || undefined };
}

function pageUrl(listUrl: URL, page: number): string {
  const url = new URL(listUrl);
  url.searchParams.set("page", String(page));
  return url.toString();
}
