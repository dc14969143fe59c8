import { randomBytes } from "node:crypto";

const TIME_WIDTH = 9; // base36 of epoch ms stays 9 digits until the year 5188

/** `t_<store-clock ms, base36, fixed width><random>`: short, and sorts by creation time. */
export function newTaskId(storeNow: number): string {
  const time = storeNow.toString(36).padStart(TIME_WIDTH, "0");
  const random = BigInt(`0x${randomBytes(6).toString("hex")}`)
    .toString(36)
    .padStart(10, "0");
  return `t_${time}${random}`;
}
