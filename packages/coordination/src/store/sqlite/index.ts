export { openSqliteStore, SqliteStore, type SqliteStoreOptions } from "./store.js";
export { defaultDataDir, defaultSqlitePath } from "./paths.js";
