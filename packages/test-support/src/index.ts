export { findFreePort } from "./free-port.js";
export { tempDir, withTempDir } from "./temp-dir.js";
export { type WaitForOptions, waitFor } from "./wait-for.js";
