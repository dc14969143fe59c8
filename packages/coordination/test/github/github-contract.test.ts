import { describeStoreContract } from "../../src/store/contract/index.js";
import { openTestStore, startTestEmulator } from "./emulator-harness.js";

/** The shared contract suite, unchanged, over the GitHub adapter talking HTTP to the emulator. */
describeStoreContract("github (emulator)", async () => {
  const emulator = await startTestEmulator();
  const store = await openTestStore(emulator);
  return {
    store,
    async cleanup() {
      await store.close();
      await emulator.close();
    },
  };
});
