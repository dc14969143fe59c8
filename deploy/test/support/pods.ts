import { type ChildProcess, spawn } from "node:child_process";
import { openSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Where the Dockerfile puts the build output; a "pod" runs the same command against the test's build directory. */
export const IMAGE_APP_DIR = "/app";
/** Where the image keeps data (SENTINEL_DATA_DIR); a pod gets its own directory instead. */
export const IMAGE_DATA_DIR = "/data";

export interface Pod {
  name: string;
  process: ChildProcess;
  healthPort: number;
  logFile: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/**
 * Start a container's command as a process: the image's paths mapped to the build directory
 * and a per-pod data directory, the environment exactly as given (nothing inherited but
 * PATH), stdout/stderr to a log file.
 */
export function startPod(opts: {
  name: string;
  command: string[];
  env: Record<string, string>;
  appDir: string;
  dataDir: string;
  logDir: string;
  healthPort: number;
}): Pod {
  const mapPath = (value: string) =>
    value.startsWith(`${IMAGE_APP_DIR}/`)
      ? join(opts.appDir, value.slice(IMAGE_APP_DIR.length))
      : value === IMAGE_DATA_DIR
        ? opts.dataDir
        : value;
  const [program, ...args] = opts.command.map(mapPath);
  if (program !== "node") throw new Error(`the container command must start with node, got ${program}`);
  const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin" };
  for (const [key, value] of Object.entries(opts.env)) env[key] = mapPath(value);
  const logFile = join(opts.logDir, `${opts.name}.log`);
  const out = openSync(logFile, "a");
  const child = spawn(process.execPath, args, { cwd: opts.appDir, env, stdio: ["ignore", out, out] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal, at: performance.now() })),
  );
  return { name: opts.name, process: child, healthPort: opts.healthPort, logFile, exited };
}

export function tail(pod: Pod, lines = 20): string {
  return readFileSync(pod.logFile, "utf8").split("\n").slice(-lines).join("\n");
}

export async function httpGet(port: number, path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2000) });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: keep the text.
  }
  return { status: response.status, body };
}
