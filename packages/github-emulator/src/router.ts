import type { Handler } from "./handlers/context.js";

export interface RouteDefinition {
  method: string;
  /** GitHub's path template, e.g. /repos/{owner}/{repo}/issues/{issue_number}; also the stats key. */
  pattern: string;
  handler: Handler;
}

export interface RouteMatch {
  route: RouteDefinition;
  params: Record<string, string>;
}

export interface Router {
  match(method: string, path: string): RouteMatch | undefined;
}

export function createRouter(routes: RouteDefinition[]): Router {
  const compiled = routes.map((route) => ({ route, segments: route.pattern.split("/").slice(1) }));
  return {
    match(method, path) {
      const parts = path.split("/").slice(1);
      let best: (RouteMatch & { literals: number }) | undefined;
      for (const { route, segments } of compiled) {
        if (route.method !== method || segments.length !== parts.length) continue;
        const matched = matchSegments(segments, parts);
        // The most literal match wins: /issues/comments beats /issues/{issue_number}.
        if (matched && (!best || matched.literals > best.literals)) best = { route, ...matched };
      }
      return best ? { route: best.route, params: best.params } : undefined;
    },
  };
}

function matchSegments(
  segments: string[],
  parts: string[],
): { params: Record<string, string>; literals: number } | undefined {
  const params: Record<string, string> = {};
  let literals = 0;
  for (const [index, segment] of segments.entries()) {
    const part = parts[index] ?? "";
    if (segment.startsWith("{") && segment.endsWith("}")) {
      if (part === "") return undefined;
      params[segment.slice(1, -1)] = safeDecode(part);
    } else if (segment === part) {
      literals += 1;
    } else {
      return undefined;
    }
  }
  return { params, literals };
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
