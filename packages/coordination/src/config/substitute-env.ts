import { ConfigError } from "../errors.js";

const REF_RE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const WHOLE_REF_RE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}$/;

/**
 * `${VAR}` / `${VAR:-default}` in string values of the config file, so per-host values and
 * secrets come from the environment. A value that is exactly one reference may become a number or boolean, so
 * `"maxConcurrentTasks": "${MAX}"` works. An unset variable without a default is an error
 * naming the key that referenced it.
 */
export function substituteEnv(value: unknown, env: NodeJS.ProcessEnv, source: string, path: string[] = []): unknown {
  if (typeof value === "string") return substituteString(value, env, source, path);
  if (Array.isArray(value)) return value.map((item, i) => substituteEnv(item, env, source, [...path, String(i)]));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteEnv(v, env, source, [...path, k])]));
  }
  return value;
}

function substituteString(text: string, env: NodeJS.ProcessEnv, source: string, path: string[]): unknown {
  const lookup = (name: string, fallback: string | undefined): string => {
    const found = env[name];
    if (found !== undefined && found !== "") return found;
    if (fallback !== undefined) return fallback;
    throw new ConfigError(
      path.join(".") || "(root)",
      `environment variable ${name} to be set (referenced as \${${name}})`,
      source,
    );
  };
  const whole = WHOLE_REF_RE.exec(text);
  if (whole) {
    const resolved = lookup(whole[1] as string, whole[2]);
    if (/^-?\d+(\.\d+)?$/.test(resolved)) return Number(resolved);
    if (resolved === "true" || resolved === "false") return resolved === "true";
    return resolved;
  }
  return text.replace(REF_RE, (_m, name: string, fallback: string | undefined) => lookup(name, fallback));
}
