/**
 * The control plane's cache writers, for tools that prepare a cache the way the syncer
 * would have filled it (the dashboard bench seeds hours of finished-task history this way).
 */
export { type Cache, type CacheDb, defaultCachePath, type OpenCacheOptions, openCache } from "./open-cache.js";
export { upsertTask } from "./task-rows.js";
export { countFinishedAttempt } from "./throughput.js";
