import type { Emulator } from "@sentinel/github-emulator";
import { OWNER, openTestStore, startStoreEmulator } from "@sentinel/test-support/emulator";
import { afterAll, beforeAll } from "vitest";
import { describeStoreContract } from "../../src/store/contract/index.js";
import type { GithubStore } from "../../src/store/github/index.js";

let emulator: Emulator;
let repoCount = 0;

beforeAll(async () => {
  emulator = await startStoreEmulator();
});
afterAll(async () => {
  await emulator.close();
});

/**
 * The shared contract suite, unchanged, over the GitHub adapter talking HTTP to the
 * emulator. One emulator for the file, a fresh repository per test (an empty store).
 */
describeStoreContract("github (emulator)", async () => {
  repoCount += 1;
  const repo = `contract-${repoCount}`;
  emulator.state.ensureRepo({ owner: OWNER, name: repo });
  // The emulator answers without replica lag here, so a short settle delay keeps the lag ≤ settle assumption.
  const options = { repo, settleDelayMs: 10 };
  const store = await openTestStore(emulator, "bot-token", options);
  const peers: GithubStore[] = [];
  return {
    store,
    // Same login, as workers sharing one token would be: only the process sees the difference.
    async openPeer() {
      const peer = await openTestStore(emulator, "bot-token", options);
      peers.push(peer);
      return peer;
    },
    // Each store call is one or more HTTP round trips plus the settle delay: leases of a
    // few hundred ms would expire under a loaded CI machine between two calls of a case.
    shortMs: 1500,
    async cleanup() {
      for (const peer of peers) await peer.close();
      await store.close();
    },
  };
});
