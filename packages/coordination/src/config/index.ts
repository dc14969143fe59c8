export { loadWorkerConfig, CONFIG_FILE_NAME } from "./load-worker-config.js";
export type { LoadWorkerConfigOptions, WorkerConfig, StoreConfig } from "./load-worker-config.js";
export { ENV_BINDINGS, PLAIN_ENV_VARS } from "./env-vars.js";
export { generateWorkerId } from "./worker-id.js";
export { workerConfigFileSchema, DEMO_HANDLERS, STRATEGIES, BUILTIN_HANDLERS } from "./schema.js";
export type { HandlerSpec, CommandHandlerSpec, WorkerConfigFile } from "./schema.js";
