export { fileTaskArchive } from "../../retention/task-archive.js";
export { newTaskId } from "./ids.js";
export { defaultDataDir, defaultSqlitePath } from "./paths.js";
export { openSqliteStore, SqliteStore, type SqliteStoreOptions } from "./store.js";
