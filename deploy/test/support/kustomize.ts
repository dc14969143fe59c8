import { readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseAllDocuments } from "yaml";

/** A Kubernetes object as parsed from YAML. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  resources?: string[];
  images?: Array<{ name: string; newName?: string; newTag?: string }>;
  labels?: Array<{ pairs: Record<string, string>; includeSelectors?: boolean }>;
  patches?: Array<{ path: string }>;
}

/** The fields this renderer implements; anything else in a kustomization.yaml is an error, not silently ignored. */
const SUPPORTED = new Set(["apiVersion", "kind", "namespace", "resources", "images", "labels", "patches"]);
const CLUSTER_SCOPED = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding"]);

/**
 * `kustomize build <dir>` for the subset our manifests use (no kustomize binary here):
 * resources (files and directories), namespace, images, labels (metadata only) and
 * strategic-merge patches (see mergeMaps).
 */
export function kustomizeBuild(dir: string): Manifest[] {
  const file = join(dir, "kustomization.yaml");
  const k = parseOne(file) as Kustomization;
  const unknown = Object.keys(k).filter((key) => !SUPPORTED.has(key));
  if (unknown.length > 0) throw new Error(`${file}: fields this renderer does not implement: ${unknown.join(", ")}`);
  let objects: Manifest[] = [];
  for (const resource of k.resources ?? []) {
    const path = resolve(dir, resource);
    objects.push(...(statSync(path).isDirectory() ? kustomizeBuild(path) : parseAll(path)));
  }
  for (const patch of k.patches ?? []) {
    for (const p of parseAll(resolve(dir, patch.path))) {
      const target = objects.find((o) => o.kind === p.kind && o.metadata.name === p.metadata.name);
      if (!target) throw new Error(`${patch.path}: no ${p.kind} ${p.metadata.name} to patch`);
      objects = objects.map((o) => (o === target ? (mergeMaps(o, p) as Manifest) : o));
    }
  }
  for (const o of objects) {
    for (const label of k.labels ?? []) o.metadata.labels = { ...o.metadata.labels, ...label.pairs };
    if (k.namespace && !CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
    for (const image of k.images ?? []) retagImages(o, image);
  }
  return objects;
}

function parseOne(path: string): unknown {
  return parseAllDocuments(readFileSync(path, "utf8"))[0]?.toJS();
}

export function parseAll(path: string): Manifest[] {
  return parseAllDocuments(readFileSync(path, "utf8")).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors[0]?.message}`);
    return doc.toJS() as Manifest;
  });
}

/**
 * The lists our patches touch that Kubernetes merges item by item (its API's patchMergeKey):
 * a pod's containers and a container's env, both by name. Every other list is replaced, as
 * kustomize does for lists without a merge key (a NetworkPolicy's egress, for one).
 */
const MERGE_KEYS: Record<string, string> = { containers: "name", env: "name" };

/**
 * A strategic merge patch as kustomize applies it, for what our patches use: maps merge by
 * key, a null value deletes its key, lists in MERGE_KEYS merge by their key (a new item is
 * appended, `$patch: delete` removes one) and other lists are replaced.
 */
function mergeMaps(base: unknown, patch: unknown): unknown {
  if (!isMap(base) || !isMap(patch)) return patch;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const mergeKey = MERGE_KEYS[key];
    if (value === null) delete merged[key];
    else if (mergeKey && Array.isArray(base[key]) && Array.isArray(value))
      merged[key] = mergeLists(base[key], value, mergeKey);
    else merged[key] = key in base ? mergeMaps(base[key], value) : value;
  }
  return merged;
}

function mergeLists(base: unknown[], patch: unknown[], mergeKey: string): unknown[] {
  let merged = [...base];
  for (const item of patch) {
    if (!isMap(item) || typeof item[mergeKey] !== "string")
      throw new Error(`a patch item of a list merged by ${mergeKey} has no ${mergeKey}: ${JSON.stringify(item)}`);
    const index = merged.findIndex((b) => isMap(b) && b[mergeKey] === item[mergeKey]);
    if (item.$patch === "delete") {
      if (index === -1) throw new Error(`$patch: delete of ${mergeKey} ${item[mergeKey]}, which is not there`);
      merged = merged.filter((_, i) => i !== index);
    } else if (index === -1) merged.push(item);
    else merged[index] = mergeMaps(merged[index], item);
  }
  return merged;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function retagImages(o: Manifest, image: { name: string; newName?: string; newTag?: string }): void {
  const spec = (o.spec as { template?: { spec?: { containers?: Array<{ image?: string }> } } } | undefined)?.template
    ?.spec;
  for (const container of spec?.containers ?? []) {
    const [name, tag] = (container.image ?? "").split(":");
    if (name !== image.name) continue;
    container.image = `${image.newName ?? name}:${image.newTag ?? tag ?? "latest"}`;
  }
}

export const KUBERNETES_DIR = resolve(dirname(new URL(import.meta.url).pathname), "../../kubernetes");

/**
 * What a cluster holds after the documented steps: the overlay (or base) rendered, plus the
 * Secret created out of band, whose keys the template lists.
 */
export function clusterObjects(dir: string): Manifest[] {
  return [...kustomizeBuild(dir), ...parseAll(join(KUBERNETES_DIR, "secret.template.yaml"))];
}
