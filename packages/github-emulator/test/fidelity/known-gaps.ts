import { readFileSync } from "node:fs";
import { z } from "zod";
import type { Difference } from "./differences.js";

/**
 * A difference from GitHub that is accepted on purpose. docs/emulator-fidelity.md lists the
 * same entries with the same ids; a test keeps the two in step.
 */
const knownGapSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    /** An endpoint as in Difference.endpoint; "*" stands for any characters ("*" alone: every endpoint). */
    endpoint: z.string().min(1),
    /** Aspects as in Difference.aspect; "*" stands for any characters (e.g. "body *.user_view_type"). */
    aspects: z.array(z.string().min(1)).min(1),
    reason: z.string().min(20),
    /** Where GitHub's behaviour is written down (a recording, a documentation page, an issue thread). */
    source: z.string().min(5),
  })
  .strict();
export type KnownGap = z.infer<typeof knownGapSchema>;

export function loadKnownGaps(): KnownGap[] {
  const text = readFileSync(new URL("./known-gaps.json", import.meta.url), "utf8");
  return z.array(knownGapSchema).parse(JSON.parse(text));
}

export function explains(gap: KnownGap, difference: Difference): boolean {
  const endpointMatches = globPattern(gap.endpoint).test(difference.endpoint);
  return endpointMatches && gap.aspects.some((aspect) => globPattern(aspect).test(difference.aspect));
}

function globPattern(glob: string): RegExp {
  const escaped = glob.split("*").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${escaped.join(".*")}$`);
}
