#!/usr/bin/env tsx
import { CliUsageError, readCliOptions } from "./cli-config.js";
import { startEmulator } from "./index.js";

async function main(): Promise<void> {
  const options = readCliOptions(process.argv.slice(2), process.env);
  const emulator = await startEmulator(options);
  const lines = [
    `GitHub emulator listening on ${emulator.url}`,
    `  repos: ${(options.repos ?? []).map(String).join(", ")}`,
    ...options.users.map(
      (user) =>
        `  user ${user.login} (${user.collaborator ? "collaborator" : "not a collaborator"}): token ${user.token}`,
    ),
    `  admin token: ${emulator.adminToken}`,
    options.persistPath ? `  state file: ${options.persistPath}` : "  state: in memory",
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof CliUsageError ? error.message : String(error)}\n`);
  process.exit(error instanceof CliUsageError ? 2 : 1);
});
