import { ConfigError } from "@sentinel/coordination";
import {
  createLogger,
  createWorker,
  describePostgresUrl,
  installShutdownSignals,
  loadWorkerConfig,
  StartAbortedError,
  type WorkerConfig,
} from "@sentinel/coordination/runtime";
import { defaultSqlitePath } from "@sentinel/coordination/sqlite";

/**
 * The headless worker. With no configuration it uses the embedded SQLite store under the
 * repository's data directory and the demo handlers; see task-sentinel.config.example.json
 * and the environment variables in the README for everything else.
 */
let config: WorkerConfig;
try {
  config = loadWorkerConfig({ cwd: process.cwd(), argv: process.argv.slice(2) });
} catch (thrown) {
  if (thrown instanceof ConfigError) {
    process.stderr.write(`task-sentinel worker: ${thrown.message}\n`);
    process.exit(2);
  }
  throw thrown;
}

const log = createLogger({ level: config.logLevel, component: "worker", workerId: config.workerId });
const worker = createWorker({ config, logger: log });
installShutdownSignals(worker, { log });
// An operator drain ends with the worker deregistered; the process then has nothing left to do.
void worker.stopped.then(() => setTimeout(() => process.exit(0), 200).unref());

try {
  await worker.start();
} catch (thrown) {
  // Told to stop while it still waited for the store: nothing was registered, a clean stop.
  if (thrown instanceof StartAbortedError) process.exit(0);
  log.fatal(
    { action: "start", result: "failed", metadata: { error: (thrown as Error).message } },
    "worker failed to start",
  );
  process.stderr.write(`task-sentinel worker: could not start: ${(thrown as Error).message}\n`);
  process.exit(1);
}

const store =
  config.store.backend === "sqlite"
    ? `sqlite ${config.store.sqlitePath ?? defaultSqlitePath()}`
    : config.store.backend === "postgres"
      ? `postgres ${describePostgresUrl(config.store.url)}`
      : `github ${config.store.owner}/${config.store.repo}`;
process.stderr.write(
  `task-sentinel worker ${worker.id} ready — ${store}, types [${config.capacity.supportedTaskTypes.join(", ")}], ` +
    `max ${config.capacity.maxConcurrentTasks} tasks${worker.healthUrl ? `, health ${worker.healthUrl}/health` : ""}. Ctrl-C drains.\n`,
);
