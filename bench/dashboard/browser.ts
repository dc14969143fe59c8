import { existsSync } from "node:fs";
import { type Browser, chromium } from "@playwright/test";
import { CHROMIUM_ARGS } from "@sentinel/test-support/chromium";

export async function launchChromium(executablePath: string): Promise<Browser> {
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}: install it (apt-get install -y chromium) or set BENCH_CHROMIUM to its path`,
    );
  }
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}
