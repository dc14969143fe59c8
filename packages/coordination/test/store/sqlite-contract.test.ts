import { describeStoreContract } from "@sentinel/coordination/contract";
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite/index.js";
import { openTempStore } from "./temp-store.js";

describeStoreContract("sqlite (fresh temp file per test)", async () => {
  const { store, dir, cleanup } = openTempStore();
  const peers: SqliteStore[] = [];
  return {
    store,
    async openPeer() {
      const peer = openSqliteStore({ path: `${dir}/sentinel.db` });
      peers.push(peer);
      return peer;
    },
    async cleanup() {
      for (const peer of peers) await peer.close();
      await cleanup();
    },
  };
});
