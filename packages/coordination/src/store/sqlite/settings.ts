import { eq } from "drizzle-orm";
import { z } from "zod";
import { parseOrThrow } from "../../validation.js";
import { appendEventTx } from "./events.js";
import { settings } from "./schema.js";
import type { Tx } from "./transaction.js";

const settingSchema = z.object({
  key: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, "letters, digits, '.', '_', ':' or '-', 1–128 chars"),
  value: z.string().max(65_536),
  actor: z.string().min(1).max(200),
});

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
