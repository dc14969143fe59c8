import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, chownSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { findFreePort } from "./free-port.js";
import { tempDir } from "./temp-dir.js";
import { waitFor } from "./wait-for.js";

/** Debian's `postgresql` package puts the server binaries here, one folder per major version. */
const DEBIAN_POSTGRES = "/usr/lib/postgresql";

/** The server binaries folder (newest major version), or a clear error that says how to get it. */
export function postgresBinDir(): string {
  const versions = existsSync(DEBIAN_POSTGRES)
    ? readdirSync(DEBIAN_POSTGRES)
        .filter((v) => existsSync(join(DEBIAN_POSTGRES, v, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (!newest) {
    throw new Error(
      `PostgreSQL server binaries not found under ${DEBIAN_POSTGRES}: run scripts/bootstrap.sh (it installs Debian's postgresql package)`,
    );
  }
  return join(DEBIAN_POSTGRES, newest, "bin");
}

export interface TempPostgres {
  /** `postgres://…/postgres` of the server (the maintenance database). */
  adminUrl: string;
  /** A URL of another database on the same server. */
  urlOf(database: string): string;
  /** A new empty database (or a copy of `template`), named uniquely; returns its URL. */
  createDatabase(template?: string): Promise<string>;
  /** Drops the database of `url` (closing whatever is still connected to it). */
  dropDatabase(url: string): Promise<void>;
  /** Stops the server (fast shutdown: open sessions end) and starts it again on the same port. */
  restart(): Promise<void>;
  /** Stops the server (fast shutdown) and removes its directory. */
  stop(): Promise<void>;
}

const SUPERUSER = "sentinel";

/** The server's own pid: the first line of `postmaster.pid` in its data directory. */
function postmasterPid(data: string): number | null {
  try {
    const pid = Number(readFileSync(join(data, "postmaster.pid"), "utf8").split("\n")[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * A throwaway PostgreSQL server: `initdb` into a temp directory, then the server on a free
 * loopback port, tuned for tests (no fsync: a crash of the test machine loses nothing we
 * keep). Postgres refuses to run as root, so under root the directory is handed to the
 * `postgres` system user that Debian's package creates, and the binaries run as that user.
 */
/** Resolves once a server accepts connections at `url`; fails at once if its process `server` exited. */
export async function waitForPostgres(
  url: string,
  server: ChildProcess,
  opts: { timeoutMs: number; what: string; log?: () => string },
): Promise<void> {
  await waitFor(
    async () => {
      if (server.exitCode !== null)
        throw new Error(`postgres exited (${server.exitCode})${opts.log ? `: ${opts.log()}` : ""}`);
      const client = new pg.Client({ connectionString: url });
      try {
        await client.connect();
        return true;
      } catch {
        return false;
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    { timeoutMs: opts.timeoutMs, intervalMs: 50, what: opts.what },
  );
}

export async function startTempPostgres(): Promise<TempPostgres> {
  const bin = postgresBinDir();
  const dir = tempDir("sentinel-pg");
  const data = join(dir.path, "data");
  const asRoot = process.getuid?.() === 0;
  const run = (command: string, args: string[]): string[] =>
    asRoot ? ["runuser", "-u", "postgres", "--", join(bin, command), ...args] : [join(bin, command), ...args];
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    chownSync(dir.path, uid, gid);
    chmodSync(dir.path, 0o700);
  }
  const [initCommand, ...initArgs] = run("initdb", [
    "-D",
    data,
    "-U",
    SUPERUSER,
    "-A",
    "trust",
    "--no-sync",
    "-E",
    "UTF8",
  ]);
  execFileSync(initCommand as string, initArgs, { stdio: "pipe" });
  const port = await findFreePort();
  const [serverCommand, ...serverArgs] = run("postgres", [
    "-D",
    data,
    "-p",
    String(port),
    "-k",
    dir.path,
    "-c",
    "listen_addresses=127.0.0.1",
    "-c",
    "fsync=off",
    "-c",
    "synchronous_commit=off",
    "-c",
    "full_page_writes=off",
    "-c",
    "max_connections=300",
  ]);
  let server: ChildProcess;
  let serverLog = "";
  const urlOf = (database: string) => `postgres://${SUPERUSER}@127.0.0.1:${port}/${database}`;
  const adminUrl = urlOf("postgres");
  const start = async () => {
    serverLog = "";
    server = spawn(serverCommand as string, serverArgs, { stdio: ["ignore", "ignore", "pipe"] });
    server.stderr?.on("data", (chunk: Buffer) => {
      serverLog = (serverLog + chunk.toString()).slice(-4000);
    });
    await waitForPostgres(adminUrl, server, {
      timeoutMs: 20_000,
      what: "the test Postgres server accepting connections",
      log: () => serverLog,
    });
  };
  const shutdown = async () => {
    if (server.exitCode !== null) return;
    const exited = new Promise((resolve) => server.once("exit", resolve));
    // runuser does not pass signals on to the server: signal the postmaster itself
    // (SIGINT: fast shutdown, open sessions are ended).
    process.kill(postmasterPid(data) ?? (server.pid as number), "SIGINT");
    await exited;
  };
  await start();
  let databases = 0;
  return {
    adminUrl,
    urlOf,
    async restart() {
      await shutdown();
      await start();
    },
    async createDatabase(template?: string) {
      databases += 1;
      const name = `sentinel_${process.pid}_${databases}`;
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ""}`);
      } finally {
        await client.end();
      }
      return urlOf(name);
    },
    async dropDatabase(url: string) {
      const name = new URL(url).pathname.slice(1);
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
    async stop() {
      await shutdown();
      dir.remove();
    },
  };
}
