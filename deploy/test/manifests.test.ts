import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDockerfile } from "./support/dockerfile.js";
import { clusterObjects, KUBERNETES_DIR, kustomizeBuild, type Manifest } from "./support/kustomize.js";
import { containerEnv, containerOf, find, probePort, secretKeys } from "./support/pod-env.js";
import { validateManifest } from "./support/schemas.js";
import { isReadByWorker, resolveWorker } from "./support/worker-env.js";

const base = clusterObjects(join(KUBERNETES_DIR, "base"));
const overlay = clusterObjects(join(KUBERNETES_DIR, "overlays/example"));
const postgresOverlay = clusterObjects(join(KUBERNETES_DIR, "overlays/postgres"));
const SECRETS = { GITHUB_TOKEN: "ghp_manifest_test", SENTINEL_HMAC_SECRET: "manifest-test-hmac-secret" };
const POD = { podName: "task-sentinel-worker-5b8c-x2x9q", nodeName: "node-a", secrets: SECRETS };

// biome-ignore lint/suspicious/noExplicitAny: free-form YAML, whose shape the schema test checks
type Spec = Record<string, any>;
const spec = (o: Manifest) => o.spec as Spec;

function workerEnv(objects: Manifest[]): Record<string, string> {
  return { ...parseDockerfile().final.env, ...containerEnv(objects, workerContainer(objects), POD) };
}

function workerContainer(objects: Manifest[]) {
  return containerOf(find(objects, "Deployment", "task-sentinel-worker"), "worker");
}

describe("Kubernetes manifests (deploy/kubernetes), checked offline", () => {
  it.each([
    ["base", base],
    ["overlays/example", overlay],
    ["overlays/postgres", postgresOverlay],
  ])("%s: every object is valid against the Kubernetes schema", (_name, objects) => {
    expect(objects.length).toBeGreaterThanOrEqual(8);
    for (const o of objects) validateManifest(o);
  });

  it("the schema check rejects a broken object (it is not vacuous)", () => {
    const broken = structuredClone(find(base, "Deployment", "task-sentinel-worker"));
    spec(broken).replicas = "three";
    expect(() => validateManifest(broken)).toThrow(/replicas/);
    const hpa = structuredClone(find(base, "HorizontalPodAutoscaler", "task-sentinel-worker"));
    spec(hpa).metrics[0].resource.target.averageUtilization = "70%";
    expect(() => validateManifest(hpa)).toThrow(/HorizontalPodAutoscaler/);
  });

  it("draws the documented cluster: Deployment of 3, HPA 2–8 at CPU 70 % / memory 80 %, ConfigMap, Secret", () => {
    const deployment = find(overlay, "Deployment", "task-sentinel-worker");
    expect(spec(deployment).replicas).toBe(3);
    const hpa = find(overlay, "HorizontalPodAutoscaler", "task-sentinel-worker");
    expect(hpa.apiVersion).toBe("autoscaling/v2");
    expect(spec(hpa)).toMatchObject({
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "task-sentinel-worker" },
      minReplicas: 2,
      maxReplicas: 8,
    });
    const targets = Object.fromEntries(
      spec(hpa).metrics.map((m: Spec) => [m.resource.name, m.resource.target.averageUtilization]),
    );
    expect(targets).toEqual({ cpu: 70, memory: 80 });
    find(overlay, "ConfigMap", "task-sentinel-config");
    const secret = find(overlay, "Secret", "task-sentinel-secrets");
    // A template: keys only, never values.
    expect(Object.values({ ...(secret.stringData as object), ...(secret.data as object) })).toEqual(
      secretKeys(secret).map(() => ""),
    );
    const applied = kustomizeBuild(join(KUBERNETES_DIR, "overlays/example"));
    expect(applied.every((o) => o.kind === "Namespace" || o.metadata.namespace === "task-sentinel")).toBe(true);
    // `kubectl apply -k` never carries the template: it would blank the real Secret.
    expect(applied.filter((o) => o.kind === "Secret")).toEqual([]);
  });

  it("the worker pod: requests and limits (for the HPA), probes on the health port, id from the pod name, non-root", () => {
    const deployment = find(overlay, "Deployment", "task-sentinel-worker");
    const podSpec = spec(deployment).template.spec;
    const container = workerContainer(overlay);
    expect(container.image).toBe("registry.example.com/acme/task-sentinel:1.0.0");
    const resources = (container as Spec).resources;
    for (const kind of ["requests", "limits"]) expect(Object.keys(resources[kind]).sort()).toEqual(["cpu", "memory"]);
    const env = workerEnv(overlay);
    for (const probe of [container.startupProbe, container.readinessProbe, container.livenessProbe]) {
      expect(probe?.httpGet.path).toBe("/health");
      expect(probePort(container, probe as NonNullable<typeof probe>)).toBe(Number(env.WORKER_HEALTH_PORT));
    }
    expect((container.env ?? []).find((v) => v.name === "WORKER_ID")?.valueFrom?.fieldRef?.fieldPath).toBe(
      "metadata.name",
    );
    // A worker waiting out a store outage at start says why it gives up before the kubelet restarts it.
    const startup = container.startupProbe as NonNullable<typeof container.startupProbe> & Spec;
    expect(startup.periodSeconds * startup.failureThreshold * 1000).toBeGreaterThan(
      resolveWorker(env).config.startup.timeoutMs,
    );
    expect(podSpec.securityContext).toMatchObject({ runAsNonRoot: true });
    expect(podSpec.securityContext.runAsUser).toBeGreaterThan(0);
    expect((container as Spec).securityContext).toMatchObject({ allowPrivilegeEscalation: false });
    // The image's command is the Dockerfile's default entry point.
    expect(container.command).toEqual(parseDockerfile().final.cmd);
  });

  it("terminationGracePeriodSeconds outlasts the longest drain: a task's run time is capped by LOCK_TTL_SECONDS", () => {
    const { config } = resolveWorker(workerEnv(overlay));
    const grace = spec(find(overlay, "Deployment", "task-sentinel-worker")).template.spec.terminationGracePeriodSeconds;
    expect(grace).toBeGreaterThan(config.distributed.locking.ttlSeconds);
  });

  it("PodDisruptionBudget selects the worker pods; the control plane is one replica with its cache on an emptyDir", () => {
    const deployment = find(overlay, "Deployment", "task-sentinel-worker");
    const pdb = find(overlay, "PodDisruptionBudget", "task-sentinel-worker");
    expect(spec(pdb).selector.matchLabels).toEqual(spec(deployment).selector.matchLabels);
    expect(spec(deployment).template.metadata.labels).toMatchObject(spec(pdb).selector.matchLabels);

    const controlPlane = find(overlay, "Deployment", "task-sentinel-control-plane");
    expect(spec(controlPlane).replicas).toBe(1);
    const cp = containerOf(controlPlane, "control-plane");
    const cpEnv = containerEnv(overlay, cp, { ...POD, secrets: SECRETS });
    const dataMount = (cp as Spec).volumeMounts.find((m: Spec) => m.mountPath === cpEnv.SENTINEL_DATA_DIR);
    const volume = spec(controlPlane).template.spec.volumes.find((v: Spec) => v.name === dataMount?.name);
    expect(volume).toMatchObject({ emptyDir: {} });
    const service = find(overlay, "Service", "task-sentinel-control-plane");
    expect(spec(service).selector).toEqual(spec(controlPlane).selector.matchLabels);
    expect(cp.ports?.map((p) => p.containerPort)).toEqual([Number(cpEnv.PORT)]);
  });

  it("every variable the ConfigMap and the GitHub variant's Secret set is one the worker reads", () => {
    const env = workerEnv(overlay);
    const configMap = find(overlay, "ConfigMap", "task-sentinel-config").data as Record<string, string>;
    expect(secretKeys(find(overlay, "Secret", "task-sentinel-secrets"))).toEqual(
      expect.arrayContaining(Object.keys(SECRETS)),
    );
    const names = [...Object.keys(configMap), ...Object.keys(SECRETS)];
    expect(names.filter((name) => !isReadByWorker(env, name))).toEqual([]);
    // The check can fail: a misspelt or foreign variable is not read.
    expect(["WORKER_MAX_TASK", "SENTINEL_SYNC_POLL_MS", "PORT"].filter((name) => isReadByWorker(env, name))).toEqual(
      [],
    );
  });

  it("the HPA's largest fleet fits the Secret's token: the workers' spend check plans for maxReplicas workers and passes", () => {
    const env = workerEnv(overlay);
    const maxReplicas = spec(find(overlay, "HorizontalPodAutoscaler", "task-sentinel-worker")).maxReplicas;
    expect(Number(env.SENTINEL_GITHUB_WORKERS_PER_TOKEN)).toBe(maxReplicas);
    const { spend } = resolveWorker(env);
    expect(spend?.problems.filter((problem) => problem.level === "error")).toEqual([]);
    expect(spend?.projection.idle.charged).toBeLessThanOrEqual(5_000);
    // The check can fail: the former 20 replicas on one token would overrun it idle.
    const twenty = resolveWorker({ ...env, SENTINEL_GITHUB_WORKERS_PER_TOKEN: "20" }).spend;
    expect(twenty?.problems.map((problem) => problem.level)).toContain("error");
  });

  it("every variable the worker requires is set: the pod's environment resolves to a GitHub worker with its probes' port", () => {
    const env = workerEnv(overlay);
    const { config, github } = resolveWorker(env);
    expect(config.store.backend).toBe("github");
    expect(github).toMatchObject({ owner: "acme", repo: "sentinel-tasks", token: SECRETS.GITHUB_TOKEN });
    expect(config.workerId).toBe(POD.podName);
    expect(config.health).toEqual({ port: 8080, host: "0.0.0.0" });
    expect(config.capacity.maxConcurrentTasks).toBe(8);
    // Without the Secret the pod refuses to start, naming what is missing.
    const { GITHUB_TOKEN: _token, ...withoutToken } = env;
    expect(() => resolveWorker(withoutToken)).toThrow(/GITHUB_TOKEN/);
  });
});
