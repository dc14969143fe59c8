import { eq } from "drizzle-orm";
import { parseOrThrow } from "../../validation.js";
import { settingSchema } from "../port-schemas.js";
import { appendEventTx } from "./events.js";
import { settings } from "./schema.js";
import type { Tx } from "./transaction.js";

export function getSettingTx(tx: Tx, key: string): string | null {
  parseOrThrow(settingSchema.pick({ key: true }), { key }, "key");
  return tx.db.select().from(settings).where(eq(settings.key, key)).get()?.value ?? null;
}

export function setSettingTx(tx: Tx, key: string, value: string, actor: string): void {
  parseOrThrow(settingSchema, { key, value, actor }, "setting");
  tx.db
    .insert(settings)
    .values({ key, value, updatedAt: tx.now, updatedBy: actor })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: tx.now, updatedBy: actor } })
    .run();
  appendEventTx(tx, { kind: "settings.changed", taskId: null, workerId: null, actor, data: { key, value } });
}
