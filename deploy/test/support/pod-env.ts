import type { Manifest } from "./kustomize.js";

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    fieldRef?: { fieldPath: string };
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
  };
}

export interface Probe {
  httpGet: { path: string; port: string | number };
}

export interface Container {
  name: string;
  image: string;
  command: string[];
  env?: EnvVar[];
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  ports?: Array<{ name?: string; containerPort: number }>;
  startupProbe?: Probe;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
}

export interface PodFields {
  /** What the kubelet would put in metadata.name / spec.nodeName. */
  podName: string;
  nodeName: string;
  /**
   * The real Secret's values (the committed Secret is a template without any): the keys of
   * one variant; a key the template does not list is not modelled.
   */
  secrets: Record<string, string>;
}

export function find(objects: Manifest[], kind: string, name: string): Manifest {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in the rendered manifests`);
  return found;
}

export function containerOf(deployment: Manifest, name: string): Container {
  const spec = deployment.spec as { template: { spec: { containers: Container[] } } };
  const container = spec.template.spec.containers.find((c) => c.name === name);
  if (!container) throw new Error(`${deployment.metadata.name} has no container ${name}`);
  return container;
}

/** The keys a Secret manifest declares (its template lists them with empty values). */
export function secretKeys(secret: Manifest): string[] {
  return Object.keys({ ...(secret.stringData as object), ...(secret.data as object) });
}

/**
 * The environment the kubelet gives the container: envFrom first (ConfigMaps, Secrets), then
 * `env` on top, as Kubernetes orders them. The real Secret holds the values given for it
 * (`pod.secrets`); a reference to a key it does not hold is an error unless the reference is
 * optional, as the kubelet refuses to start such a container.
 */
export function containerEnv(objects: Manifest[], container: Container, pod: PodFields): Record<string, string> {
  const env: Record<string, string> = {};
  const secretValue = (name: string, key: string): string | undefined =>
    secretKeys(find(objects, "Secret", name)).includes(key) ? pod.secrets[key] : undefined;
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef)
      Object.assign(env, find(objects, "ConfigMap", from.configMapRef.name).data as Record<string, string>);
    if (from.secretRef) {
      const secret = find(objects, "Secret", from.secretRef.name);
      for (const key of secretKeys(secret)) {
        const value = secretValue(secret.metadata.name, key);
        if (value !== undefined) env[key] = value;
      }
    }
  }
  for (const v of container.env ?? []) {
    const from = v.valueFrom;
    let value: string | undefined = v.value;
    if (from?.fieldRef) {
      const fields: Record<string, string> = { "metadata.name": pod.podName, "spec.nodeName": pod.nodeName };
      value = fields[from.fieldRef.fieldPath];
      if (value === undefined) throw new Error(`${v.name}: field ${from.fieldRef.fieldPath} not modelled`);
    } else if (from?.secretKeyRef) {
      value = secretValue(from.secretKeyRef.name, from.secretKeyRef.key);
      if (value === undefined && !from.secretKeyRef.optional)
        throw new Error(`${v.name}: Secret ${from.secretKeyRef.name} has no key ${from.secretKeyRef.key}`);
    } else if (from?.configMapKeyRef) {
      const data = find(objects, "ConfigMap", from.configMapKeyRef.name).data as Record<string, string>;
      value = data[from.configMapKeyRef.key];
    }
    if (value !== undefined) env[v.name] = value;
  }
  return env;
}

/** The container port a probe targets (a named port resolved through the container's ports). */
export function probePort(container: Container, probe: Probe): number {
  const { port } = probe.httpGet;
  if (typeof port === "number") return port;
  const named = container.ports?.find((p) => p.name === port);
  if (!named) throw new Error(`probe port ${port} is not a named port of ${container.name}`);
  return named.containerPort;
}
