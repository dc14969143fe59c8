import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { storeConfigFromEnv } from "../../packages/coordination/src/store/open-store.js";
import { createPool } from "../../packages/coordination/src/store/postgres/connection.js";
import { parseDockerfile } from "./support/dockerfile.js";
import { clusterObjects, KUBERNETES_DIR, kustomizeBuild, type Manifest } from "./support/kustomize.js";
import { containerEnv, containerOf, find, secretKeys } from "./support/pod-env.js";
import { isReadByWorker, resolveWorker } from "./support/worker-env.js";

/**
 * The Postgres variant (deploy/kubernetes/overlays/postgres), checked offline: the store
 * wiring from the Secret, what the GitHub variant needed and this one must not, and the
 * HPA's largest fleet against the server's connections. Schema validation: manifests.test.ts.
 */
const OVERLAY = join(KUBERNETES_DIR, "overlays/postgres");
const objects = clusterObjects(OVERLAY);
const DATABASE_URL = "postgres://sentinel:s3cret@db.internal:5432/tasks";
/** This variant's real Secret: the database URL and nothing of GitHub's. */
const SECRETS = { SENTINEL_POSTGRES_URL: DATABASE_URL };
const POD = { podName: "task-sentinel-worker-7c9d-q4r2s", nodeName: "node-a", secrets: SECRETS };
/** Postgres's defaults: max_connections, of which superuser_reserved_connections are kept for superusers. */
const MAX_CONNECTIONS = 100;
const SUPERUSER_RESERVED = 3;

// biome-ignore lint/suspicious/noExplicitAny: free-form YAML, whose shape the schema test checks
type Spec = Record<string, any>;
const spec = (o: Manifest) => o.spec as Spec;

const workerContainer = (from: Manifest[]) => containerOf(find(from, "Deployment", "task-sentinel-worker"), "worker");
const controlPlaneContainer = (from: Manifest[]) =>
  containerOf(find(from, "Deployment", "task-sentinel-control-plane"), "control-plane");
const workerEnv = (from: Manifest[], secrets: Record<string, string> = SECRETS) => ({
  ...parseDockerfile().final.env,
  ...containerEnv(from, workerContainer(from), { ...POD, secrets }),
});
const controlPlaneEnv = (from: Manifest[], secrets: Record<string, string> = SECRETS) => ({
  ...parseDockerfile().final.env,
  ...containerEnv(from, controlPlaneContainer(from), { ...POD, secrets }),
});

/** Connections one worker or control-plane process may hold: its pool's maximum, plus the one LISTEN connection. */
function connectionsPerProcess(): number {
  const pool = createPool({ url: DATABASE_URL });
  const max = pool.options.max;
  void pool.end();
  return max + 1;
}

describe("the Postgres overlay (deploy/kubernetes/overlays/postgres)", () => {
  it("the worker resolves to the Postgres store at the Secret's URL, and refuses to start without it", () => {
    const env = workerEnv(objects);
    const { config } = resolveWorker(env);
    expect(config.store).toEqual({ backend: "postgres", url: DATABASE_URL });
    expect(config.workerId).toBe(POD.podName);
    expect(config.health).toEqual({ port: 8080, host: "0.0.0.0" });
    expect(() => resolveWorker(workerEnv(objects, {}))).toThrow(/SENTINEL_POSTGRES_URL/);
  });

  it("the control plane opens the same database, its URL by a required reference to the Secret", () => {
    const env = controlPlaneEnv(objects);
    expect(storeConfigFromEnv(env)).toEqual({ backend: "postgres", url: DATABASE_URL });
    const ref = controlPlaneContainer(objects).env?.find((v) => v.name === "SENTINEL_POSTGRES_URL");
    expect(ref?.valueFrom?.secretKeyRef).toEqual({ name: "task-sentinel-secrets", key: "SENTINEL_POSTGRES_URL" });
    // Without the key the kubelet would not start the container.
    expect(() => controlPlaneEnv(objects, {})).toThrow(/SENTINEL_POSTGRES_URL/);
    // Its bundled server finds the migrations where the image ships them (image-build.test.ts).
    expect(env.SENTINEL_POSTGRES_MIGRATIONS_DIR).toBe("/app/drizzle/postgres");
  });

  it("never holds the URL in a manifest: it is a key of the Secret template, empty, and no other object names a database", () => {
    const secret = find(objects, "Secret", "task-sentinel-secrets");
    expect(secretKeys(secret)).toContain("SENTINEL_POSTGRES_URL");
    expect((secret.stringData as Record<string, string>).SENTINEL_POSTGRES_URL).toBe("");
    const applied = kustomizeBuild(OVERLAY);
    expect(JSON.stringify(applied)).not.toMatch(/postgres(ql)?:\/\//);
    for (const from of [workerContainer(applied), controlPlaneContainer(applied)])
      expect((from.env ?? []).filter((v) => /POSTGRES_URL|DATABASE_URL/.test(v.name) && v.value !== undefined)).toEqual(
        [],
      );
    expect(Object.keys(find(applied, "ConfigMap", "task-sentinel-config").data as object)).not.toContain(
      "SENTINEL_POSTGRES_URL",
    );
  });

  it("nothing of the GitHub variant is left: every variable the ConfigMap and Secret set is one the worker reads", () => {
    const env = workerEnv(objects);
    const configMap = find(objects, "ConfigMap", "task-sentinel-config").data as Record<string, string>;
    expect(configMap.SENTINEL_STORE).toBe("postgres");
    const names = [...Object.keys(configMap), ...Object.keys(SECRETS)];
    expect(names.filter((name) => !isReadByWorker(env, name))).toEqual([]);
    // The check can fail: on Postgres the worker reads none of GitHub's settings.
    expect(
      ["GITHUB_OWNER", "GITHUB_REPO", "SENTINEL_GITHUB_WORKERS_PER_TOKEN"].filter((n) => isReadByWorker(env, n)),
    ).toEqual([]);
    expect(Object.keys(controlPlaneEnv(objects)).filter((name) => /GITHUB|HMAC/.test(name))).toEqual([]);
  });

  it("keeps no store on a volume: every pod volume is an emptyDir (the control plane's is its cache), no claim anywhere", () => {
    expect(objects.filter((o) => o.kind === "PersistentVolumeClaim" || o.kind === "StatefulSet")).toEqual([]);
    for (const name of ["task-sentinel-worker", "task-sentinel-control-plane"]) {
      const volumes: Spec[] = spec(find(objects, "Deployment", name)).template.spec.volumes;
      expect(volumes.filter((v) => Object.keys(v).join() !== "name,emptyDir")).toEqual([]);
    }
    expect(workerEnv(objects).SENTINEL_SQLITE_PATH).toBeUndefined();
  });

  it("the HPA scales the worker Deployment, and its largest fleet plus a surging pod and the control plane fits max_connections", () => {
    const hpa = find(objects, "HorizontalPodAutoscaler", "task-sentinel-worker");
    const deployment = find(objects, "Deployment", "task-sentinel-worker");
    expect(spec(hpa).scaleTargetRef).toEqual({
      apiVersion: deployment.apiVersion,
      kind: deployment.kind,
      name: deployment.metadata.name,
    });
    expect(spec(hpa)).toMatchObject({ minReplicas: 2, maxReplicas: 6 });
    expect(spec(hpa).minReplicas).toBeLessThanOrEqual(spec(deployment).replicas);
    expect(
      spec(hpa)
        .metrics.map((m: Spec) => m.resource.name)
        .sort(),
    ).toEqual(["cpu", "memory"]);

    const perProcess = connectionsPerProcess();
    expect(perProcess).toBe(11);
    const surge = spec(deployment).strategy.rollingUpdate.maxSurge;
    const controlPlanes = spec(find(objects, "Deployment", "task-sentinel-control-plane")).replicas;
    const processes = (workers: number) => workers + surge + controlPlanes;
    const available = MAX_CONNECTIONS - SUPERUSER_RESERVED;
    expect(processes(spec(hpa).maxReplicas) * perProcess).toBeLessThanOrEqual(available);
    // The check can fail: the GitHub variant's 8 workers would not fit.
    expect(processes(8) * perProcess).toBeGreaterThan(available);
  });

  it("the NetworkPolicy lets the pods reach DNS and the database's port, and nothing else", () => {
    const policy = find(objects, "NetworkPolicy", "task-sentinel");
    const egress = spec(policy).egress.flatMap((rule: Spec) => rule.ports.map((p: Spec) => `${p.protocol}/${p.port}`));
    expect(egress.sort()).toEqual(["TCP/53", `TCP/${new URL(DATABASE_URL).port}`, "UDP/53"]);
  });
});
