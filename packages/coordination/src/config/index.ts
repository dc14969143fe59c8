export { ENV_BINDINGS, PLAIN_ENV_VARS } from "./env-vars.js";
export type { LoadWorkerConfigOptions, StoreConfig, WorkerConfig } from "./load-worker-config.js";
export { CONFIG_FILE_NAME, loadWorkerConfig } from "./load-worker-config.js";
export type { CommandHandlerSpec, HandlerSpec, WorkerConfigFile } from "./schema.js";
export { BUILTIN_HANDLERS, DEMO_HANDLERS, STRATEGIES, workerConfigFileSchema } from "./schema.js";
export { generateWorkerId } from "./worker-id.js";
