import { bullmqSuite } from "./bullmq.js";
import { renderConsoleSection } from "./report.js";
const r = await bullmqSuite.run({ runs: 1, tasks: 20000, log: console.log });
for (const s of r.sections) console.log(renderConsoleSection(s)); console.log(r.facts);
