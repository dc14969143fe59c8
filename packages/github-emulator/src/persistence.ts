import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";
import { EmulatorOptionsError } from "./emulator-errors.js";
import type { EmulatorState, StateSnapshot } from "./state/emulator-state.js";

const timestamp = z.string();
const snapshotSchema = z.object({
  version: z.literal(1),
  ids: z.object({ repo: z.number(), issue: z.number(), comment: z.number(), label: z.number() }),
  repos: z.array(
    z.object({
      record: z.object({
        id: z.number(),
        owner: z.string(),
        name: z.string(),
        private: z.boolean(),
        createdAt: timestamp,
      }),
      nextIssueNumber: z.number().int().min(1),
      labels: z.array(
        z.object({ id: z.number(), name: z.string(), color: z.string(), description: z.string().nullable() }),
      ),
      issues: z.array(
        z.object({
          id: z.number(),
          number: z.number().int(),
          title: z.string(),
          body: z.string().nullable(),
          state: z.enum(["open", "closed"]),
          stateReason: z.enum(["completed", "reopened", "not_planned", "duplicate"]).nullable(),
          labels: z.array(z.string()),
          author: z.string(),
          comments: z.number().int(),
          createdAt: timestamp,
          updatedAt: timestamp,
          closedAt: timestamp.nullable(),
          closedBy: z.string().nullable(),
          deleted: z.boolean(),
        }),
      ),
      comments: z.array(
        z.object({
          id: z.number(),
          issueNumber: z.number().int(),
          body: z.string(),
          author: z.string(),
          createdAt: timestamp,
          updatedAt: timestamp,
        }),
      ),
    }),
  ),
});

/** Reads a saved state; undefined when the file does not exist yet. */
export async function loadSnapshot(path: string): Promise<StateSnapshot | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const parsed = snapshotSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EmulatorOptionsError(
      `persistPath ${path}`,
      `invalid state at "${issue?.path.join(".")}": ${issue?.message}`,
    );
  }
  return parsed.data;
}

export interface Persister {
  /** Writes any pending change now. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Saves the state after changes, debounced, via write-to-temp + rename so a crash never leaves half a file. */
export function persistState(state: EmulatorState, path: string, debounceMs: number): Persister {
  let timer: NodeJS.Timeout | undefined;
  let dirty = false;
  let writing: Promise<void> = Promise.resolve();
  let failure: unknown;

  // A debounced save has no caller to reject to: keep its failure for the next flush/close.
  const save = async (): Promise<void> => {
    timer = undefined;
    if (dirty) {
      dirty = false;
      const text = JSON.stringify(state.snapshot());
      writing = writing
        .then(() => writeAtomically(path, text))
        .catch((error: unknown) => {
          failure = error;
        });
    }
    await writing;
    if (failure) {
      const error = failure;
      failure = undefined;
      throw error;
    }
  };

  const unsubscribe = state.onChange(() => {
    dirty = true;
    timer ??= setTimeout(() => void save().catch((error: unknown) => (failure = error)), debounceMs);
  });

  return {
    flush: () => {
      if (timer) clearTimeout(timer);
      return save();
    },
    close: async () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
      await save();
    },
  };
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await mkdir(dirname(path), { recursive: true });
  await writeFile(temporary, text);
  await rename(temporary, path);
}
