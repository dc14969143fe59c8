import { StringDecoder } from "node:string_decoder";
import { LIMITS } from "../domain/limits.js";
import { truncateText } from "../domain/task-log.js";
import type { HandlerContext } from "./task-handler.js";

/** A stderr line of this form sets the task's progress: `SENTINEL_PROGRESS 0.4 copying files`. */
export const PROGRESS_PREFIX = "SENTINEL_PROGRESS";
const PROGRESS_RE = /^SENTINEL_PROGRESS\s+(\S+)(?:\s+(.*))?$/;

/**
 * Splits a child's output stream into lines without ever holding more than one line's worth:
 * a line longer than LIMITS.logLineChars is cut there (and marked), the rest of it skipped up
 * to its newline. UTF-8 sequences split across chunks are decoded whole.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder("utf8");
  private partial = "";
  private overlong = false;

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    this.take(this.decoder.write(chunk));
  }

  end(): void {
    this.take(this.decoder.end());
    if (this.partial !== "" || this.overlong) this.emit();
  }

  private take(text: string): void {
    let rest = text;
    for (let newline = rest.indexOf("\n"); newline >= 0; newline = rest.indexOf("\n")) {
      this.append(rest.slice(0, newline));
      this.emit();
      rest = rest.slice(newline + 1);
    }
    this.append(rest);
  }

  private append(text: string): void {
    if (this.overlong) return;
    this.partial += text;
    if (this.partial.length > LIMITS.logLineChars) {
      this.partial = truncateText(this.partial, LIMITS.logLineChars);
      this.overlong = true;
    }
  }

  private emit(): void {
    const line = this.partial.endsWith("\r") ? this.partial.slice(0, -1) : this.partial;
    this.partial = "";
    this.overlong = false;
    this.onLine(line);
  }
}

/**
 * A command's output as task log lines (blank ones skipped): stdout lines at info, stderr lines at warn, and a
 * stderr `SENTINEL_PROGRESS <fraction> [message]` line as progress (a malformed one is kept
 * as a warn line saying so, never an error of the attempt).
 */
export function captureOutput(ctx: Pick<HandlerContext, "log" | "progress">): {
  stdout: LineSplitter;
  stderr: LineSplitter;
} {
  return {
    stdout: new LineSplitter((line) => {
      if (line.trim() !== "") ctx.log("info", line);
    }),
    stderr: new LineSplitter((line) => {
      if (line.trim() === "") return;
      const progress = PROGRESS_RE.exec(line);
      if (!progress) return ctx.log("warn", line);
      const fraction = Number(progress[1]);
      if (!Number.isFinite(fraction) || fraction < 0 || fraction > 1)
        return ctx.log("warn", `ignored a ${PROGRESS_PREFIX} line: expected a fraction from 0 to 1 first`, {
          line: truncateText(line, 200),
        });
      ctx.progress(fraction, progress[2] ?? undefined);
    }),
  };
}
