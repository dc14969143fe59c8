import { existsSync } from "node:fs";
import { chromium, type Browser } from "@playwright/test";

/** The flags the e2e suite uses (playwright.config.ts), so both measure the same browser setup. */
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-dev-shm-usage",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export async function launchChromium(executablePath: string): Promise<Browser> {
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath}: install it (apt-get install -y chromium) or set BENCH_CHROMIUM to its path`);
  }
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}
