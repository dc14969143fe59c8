import type { LabelRecord, RepoRecord } from "../state/records.js";
import { nodeId, repoApiUrl, type UrlBase } from "./context.js";

export function renderLabel(urls: UrlBase, repo: RepoRecord, label: LabelRecord) {
  return {
    id: label.id,
    node_id: nodeId("Label", label.id),
    url: `${repoApiUrl(urls, repo)}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    color: label.color,
    default: false,
    description: label.description,
  };
}
