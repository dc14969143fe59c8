export { defaultPostgresMigrationsFolder } from "./connection.js";
export { openPostgresStore, PostgresStore, type PostgresStoreOptions } from "./store.js";
