import { describeStoreContract } from "@sentinel/coordination/contract";
import { openTempStore } from "@sentinel/test-support/store";

describeStoreContract("sqlite (fresh temp file per test)", async () => {
  const { store, open, cleanup } = openTempStore();
  return { store, openPeer: async () => open(), cleanup };
});
