import { describeStoreContract } from "@sentinel/coordination/contract";
import { openTempStore } from "./temp-store.js";

describeStoreContract("sqlite (fresh temp file per test)", async () => {
  const { store, cleanup } = openTempStore();
  return { store, cleanup };
});
