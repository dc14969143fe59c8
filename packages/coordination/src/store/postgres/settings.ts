import { parseOrThrow } from "../../validation.js";
import { settingSchema } from "../port-schemas.js";
import { appendEventTx } from "./events.js";
import type { PgTx } from "./transaction.js";

export async function getSettingTx(tx: PgTx, key: string): Promise<string | null> {
  parseOrThrow(settingSchema.pick({ key: true }), { key }, "key");
  return (await tx.get<{ value: string }>("SELECT value FROM settings WHERE key = $1", [key]))?.value ?? null;
}

const SET_SETTING = `INSERT INTO settings (key, value, updated_at, updated_by) VALUES ($1, $2, $3, $4)
  ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`;

export async function setSettingTx(tx: PgTx, key: string, value: string, actor: string): Promise<void> {
  parseOrThrow(settingSchema, { key, value, actor }, "setting");
  await tx.run(SET_SETTING, [key, value, await tx.now(), actor]);
  await appendEventTx(tx, { kind: "settings.changed", taskId: null, workerId: null, actor, data: { key, value } });
}
