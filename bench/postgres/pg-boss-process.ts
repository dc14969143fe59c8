import { PgBoss } from "pg-boss";
import { positiveIntFromEnv, READY, requiredEnv, stopOnSigterm } from "./peer-process.js";
import { PG_BOSS_QUEUE, pgBossWorkOptions } from "./pg-boss-settings.js";

/**
 * One pg-boss process for the Postgres suite: a no-op handler on the bench queue, configured
 * as pg-boss-settings.ts states. pg-boss keeps finished jobs with their timestamps, so the
 * bench reads its figures from the database.
 */
const concurrency = positiveIntFromEnv("BENCH_CONCURRENCY");
const boss = new PgBoss({ connectionString: requiredEnv("BENCH_DATABASE_URL"), useListenNotify: true });
boss.on("error", (error: Error) => process.stderr.write(`pg-boss: ${error.message}\n`));
await boss.start();
await boss.work(PG_BOSS_QUEUE, pgBossWorkOptions(concurrency), async () => undefined);
stopOnSigterm(() => boss.stop({ graceful: true }));
process.send?.(READY);
