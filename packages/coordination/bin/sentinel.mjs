#!/usr/bin/env node
/**
 * `pnpm sentinel …`: runs the CLI from a JavaScript bundle instead of compiling TypeScript at
 * every start (tsx took ≈ 1 s per command; the bundle starts in ≈ 0.1–0.2 s).
 *
 * The bundle (dist/cli/sentinel.mjs) is built by esbuild from src/cli/main.ts — by
 * scripts/bootstrap.sh, or here on first use — together with a stamp that lists every file it
 * was built from. Before each run the stamp is checked: if any of those files (or this
 * launcher) changed since the build started, the bundle is rebuilt first, so a stale build is
 * never run. Concurrent starts may both rebuild; each writes to a temporary file and renames,
 * so a reader never sees a half-written bundle.
 */
import { readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = resolve(here, "..");
const outDir = join(packageDir, "dist", "cli");
const bundlePath = join(outDir, "sentinel.mjs");
const stampPath = join(outDir, "stamp.json");
const selfPath = fileURLToPath(import.meta.url);
const INSTALL_RECORD = "../../node_modules/.modules.yaml";

/** The stamp if the bundle is current: built after the last change to every input. */
function currentStamp() {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(stampPath, "utf8"));
    statSync(bundlePath);
  } catch {
    return null;
  }
  if (typeof stamp?.builtFrom !== "number" || !Array.isArray(stamp.inputs)) return null;
  for (const input of [selfPath, ...stamp.inputs.map((p) => join(packageDir, p))]) {
    try {
      if (statSync(input).mtimeMs > stamp.builtFrom) return null;
    } catch {
      return null;
    }
  }
  return stamp;
}

export async function buildCliBundle() {
  // Taken before esbuild reads anything: a file edited during the build makes the result stale.
  const builtFrom = Date.now();
  const { build } = await import("esbuild");
  const tmpBundle = `${bundlePath}.${process.pid}.tmp`;
  const result = await build({
    absWorkingDir: packageDir,
    entryPoints: ["src/cli/main.ts"],
    outfile: tmpBundle,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // A compiled addon is loaded by Node from node_modules at run time; it cannot be bundled.
    external: ["better-sqlite3"],
    // Bundled CommonJS dependencies call require(); ESM output has none unless it is made.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    metafile: true,
    // Less to parse at every start; identifiers are kept so stack traces stay readable.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: "none",
    logLevel: "warning",
  });
  renameSync(tmpBundle, bundlePath);
  // Metafile inputs are relative to absWorkingDir (the package). Dependencies change only by an
  // install, which rewrites pnpm's node_modules/.modules.yaml: one stat stands for hundreds.
  const sources = Object.keys(result.metafile.inputs).filter((p) => !p.includes("node_modules/"));
  const stamp = { builtFrom, inputs: [...sources, INSTALL_RECORD] };
  const tmpStamp = `${stampPath}.${process.pid}.tmp`;
  writeFileSync(tmpStamp, JSON.stringify(stamp));
  renameSync(tmpStamp, stampPath);
}

const buildOnly = process.argv[2] === "--build-only";
if (buildOnly || !currentStamp()) await buildCliBundle();
if (!buildOnly) await import(pathToFileURL(bundlePath).href);
