/**
 * The container image's build steps; the Dockerfile's build stage runs exactly this, and the
 * deploy tests run it into a temporary directory, so nothing the image does goes untested.
 *
 *   node --import tsx deploy/build-image.ts <out-dir> [--worker-only]
 *
 * Output (the runtime stage copies it to /app as is):
 *   worker.mjs                   the worker, one ESM bundle (`node worker.mjs`)
 *   group-reaper.mjs             the process the worker starts to end its command handlers if it
 *                                dies (found beside the bundle, as beside its source module)
 *   node_modules/better-sqlite3  the one native dependency, compiled in the build stage, with
 *                                its run-time helpers; nothing else ships (everything else is bundled)
 *   web/                         control plane + dashboard: Next.js standalone server
 *                                (`node web/apps/web/server.js`); skipped with --worker-only
 *   drizzle/store, drizzle/postgres
 *                                the SQLite and Postgres stores' migrations (each found beside worker.mjs)
 *   drizzle/cache                the control plane cache's (SENTINEL_CACHE_MIGRATIONS_DIR)
 *
 * The Postgres client (pg) is plain JavaScript and goes into the worker bundle.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { webBuildIsCurrent } from "../scripts/web-build-current.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const WEB_DIR = join(ROOT, "apps/web");
/** Next's output directory for the image's build, relative to apps/web (never `.next`, which `pnpm start` serves). */
const WEB_DIST = ".next-image";

export interface BuildImageOptions {
  outDir: string;
  /** Skip the dashboard (minutes of `next build`) when only the worker is needed. */
  workerOnly?: boolean;
  log?: (line: string) => void;
}

export async function buildImage(opts: BuildImageOptions): Promise<void> {
  const out = resolve(opts.outDir);
  const log = opts.log ?? ((line: string) => process.stderr.write(`build-image: ${line}\n`));
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  // The bundles are ESM; the marker keeps Node from guessing.
  writeFileSync(join(out, "package.json"), `${JSON.stringify({ type: "module", private: true }, null, 2)}\n`);

  log("bundling the worker");
  await bundleWorker(join(out, "worker.mjs"));
  cpSync(join(ROOT, "packages/coordination/src/handlers/group-reaper.mjs"), join(out, "group-reaper.mjs"));
  log("copying better-sqlite3 (native)");
  copyNativeSqlite(join(out, "node_modules"));
  // The stores' migrations are found beside the worker bundle; the cache's through SENTINEL_CACHE_MIGRATIONS_DIR.
  for (const migrations of ["drizzle/store", "drizzle/postgres", "drizzle/cache"])
    cpSync(join(ROOT, migrations), join(out, migrations), { recursive: true });
  if (!opts.workerOnly) {
    log("building the dashboard and control plane (next build, standalone)");
    buildWeb(join(out, "web"), log);
  }
  log(`done: ${out}`);
}

async function bundleWorker(outfile: string): Promise<void> {
  await build({
    entryPoints: [join(ROOT, "apps/worker/src/main.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // Loaded by Node from node_modules at run time: a compiled addon cannot be bundled.
    external: ["better-sqlite3"],
    // Bundled CommonJS dependencies call require(); ESM output has none unless it is made.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    legalComments: "none",
    logLevel: "warning",
  });
}

/** better-sqlite3 with only what it loads at run time: its lib, the compiled addon, and `bindings` (+ its one dependency). */
function copyNativeSqlite(nodeModules: string): void {
  const fromCoordination = createRequire(join(ROOT, "packages/coordination/package.json"));
  const sqliteDir = dirname(realpathSync(fromCoordination.resolve("better-sqlite3/package.json")));
  const addon = join(sqliteDir, "build/Release/better_sqlite3.node");
  if (!existsSync(addon))
    throw new Error(`better-sqlite3 is not compiled (${addon} missing): run pnpm rebuild better-sqlite3`);
  const target = join(nodeModules, "better-sqlite3");
  for (const part of ["package.json", "lib", "build/Release/better_sqlite3.node"])
    cpSync(join(sqliteDir, part), join(target, part), { recursive: true });
  const fromSqlite = createRequire(join(sqliteDir, "package.json"));
  const bindingsDir = dirname(realpathSync(fromSqlite.resolve("bindings/package.json")));
  cpSync(bindingsDir, join(nodeModules, "bindings"), { recursive: true });
  const fromBindings = createRequire(join(bindingsDir, "package.json"));
  const uriDir = dirname(realpathSync(fromBindings.resolve("file-uri-to-path/package.json")));
  cpSync(uriDir, join(nodeModules, "file-uri-to-path"), { recursive: true });
}

/**
 * Next's standalone server (its own traced node_modules included) plus the static assets it
 * expects beside it. `next build` runs unless a standalone build newer than every source is
 * already there (always, in the image's fresh build stage; the tests reuse one).
 */
function buildWeb(target: string, log: (line: string) => void): void {
  const dist = join(WEB_DIR, WEB_DIST);
  if (webBuildIsCurrent(ROOT, join(dist, "BUILD_ID"))) log("the standalone build is current: reusing it");
  else {
    const next = join(WEB_DIR, "node_modules/next/dist/bin/next");
    const result = spawnSync(process.execPath, [next, "build", "--webpack"], {
      cwd: WEB_DIR,
      stdio: "inherit",
      env: { ...process.env, SENTINEL_WEB_STANDALONE_DIR: WEB_DIST, NEXT_TELEMETRY_DISABLED: "1" },
    });
    if (result.status !== 0) throw new Error(`next build failed (exit ${result.status ?? result.signal})`);
  }
  // pnpm's layout is symlinks into node_modules/.pnpm: copied as they are, so each package still finds its own dependencies.
  cpSync(join(dist, "standalone"), target, { recursive: true, verbatimSymlinks: true });
  const app = join(target, relative(ROOT, WEB_DIR));
  cpSync(join(dist, "static"), join(app, WEB_DIST, "static"), { recursive: true });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outDir = args.find((a) => !a.startsWith("--"));
  if (!outDir) {
    process.stderr.write("usage: node --import tsx deploy/build-image.ts <out-dir> [--worker-only]\n");
    process.exit(2);
  }
  await buildImage({ outDir, workerOnly: args.includes("--worker-only") });
}
