import { describe, expect, it } from "vitest";
import { redactMessage, redactUrl } from "../src/alerts/webhook-sender.js";

describe("the webhook URL in an error message", () => {
  it("is cut to its origin, in the error fetch itself raises for it", async () => {
    const url = "http://hook-user:hook-pass@127.0.0.1:9/services/secret-path-token?key=secret-query";
    // A real fetch error that echoes the whole URL (credentials in a URL are refused).
    const raw = await fetch(url).then(
      () => "",
      (error: Error) => `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ""}`,
    );
    expect(raw).toContain("secret-path-token");
    const shown = redactMessage(raw, url);
    for (const secret of ["secret-path-token", "secret-query", "hook-pass"]) expect(shown).not.toContain(secret);
    expect(shown).toContain(redactUrl(url));
    expect(redactUrl(url)).toBe("http://127.0.0.1:9/…");
  });
});
