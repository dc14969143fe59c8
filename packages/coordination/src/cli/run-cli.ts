import { Command, CommanderError } from "commander";
import { processEnv } from "../env.js";
import { ConfigError, coerceError, IllegalTransitionError, NotFoundError, ValidationError } from "../errors.js";
import type { CoordinationStore } from "../store/port.js";
import { type CliIo, type GlobalOptions, openCliStore } from "./cli-context.js";
import { registerClusterCommands } from "./commands/cluster-commands.js";
import { registerDemoCommand } from "./commands/demo-command.js";
import { registerOperatorCommands } from "./commands/operator-commands.js";
import { registerQueueCommands } from "./commands/queue-commands.js";
import { registerScheduleCommands } from "./commands/schedule-commands.js";
import { registerTaskCommands } from "./commands/task-commands.js";
import { registerTokenCommands } from "./commands/token-commands.js";
import { actorOption } from "./parse-args.js";

export interface RunCliOptions {
  out?: (text: string) => void;
  err?: (text: string) => void;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Exit codes: 0 ok, 1 the store failed, 2 a bad argument / unknown id / illegal action / bad config. */
export async function runCli(argv: readonly string[], opts: RunCliOptions = {}): Promise<number> {
  const err = opts.err ?? ((t: string) => process.stderr.write(`${t}\n`));
  const io: CliIo = {
    out: opts.out ?? ((t) => process.stdout.write(`${t}\n`)),
    err,
    env: opts.env ?? processEnv(),
    cwd: opts.cwd ?? process.cwd(),
  };

  const program = new Command("sentinel")
    .description("Task Sentinel: create and inspect tasks, workers, locks and heartbeats")
    .option("--json", "machine-readable output")
    .option("--db <path>", "use this SQLite file (default: the worker's store selection)")
    .option("--actor <name>", "who the audit names for actions (default: cli:<os user>)", actorOption)
    .exitOverride()
    .configureOutput({
      writeOut: (t) => io.out(t.trimEnd()),
      writeErr: (t) => err(t.trimEnd()),
      outputError: () => undefined,
    })
    .showSuggestionAfterError(true);

  const withStore = async (global: GlobalOptions, fn: (store: CoordinationStore) => Promise<void>) => {
    const store = await openCliStore(global, io);
    try {
      await fn(store);
    } finally {
      await store.close();
    }
  };
  registerTaskCommands(program, io, withStore);
  registerClusterCommands(program, io, withStore);
  registerQueueCommands(program, io, withStore);
  registerScheduleCommands(program, io, withStore);
  registerDemoCommand(program, io, withStore);
  registerOperatorCommands(program, io, withStore);
  registerTokenCommands(program, io, withStore);

  try {
    await program.parseAsync(argv as string[], { from: "user" });
    return 0;
  } catch (thrown) {
    if (thrown instanceof CommanderError) {
      if (
        thrown.code === "commander.helpDisplayed" ||
        thrown.code === "commander.version" ||
        thrown.code === "commander.help"
      )
        return 0;
      err(thrown.message.replace(/^error: /, "sentinel: ").replace(/\s*\n\s*/g, " "));
      return 2;
    }
    const error = coerceError(thrown);
    err(`sentinel: ${error.message.replace(/\s*\n\s*/g, " ")}`);
    const isUsage =
      error instanceof ValidationError ||
      error instanceof NotFoundError ||
      error instanceof IllegalTransitionError ||
      error instanceof ConfigError;
    return isUsage ? 2 : 1;
  }
}
