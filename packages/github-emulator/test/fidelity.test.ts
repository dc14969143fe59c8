import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { type Difference, formatDifference } from "./fidelity/differences.js";
import { compareWithDocumentedErrors } from "./fidelity/documented-errors.js";
import { compareWithDocumentedExamples } from "./fidelity/documented-examples.js";
import { explains, loadKnownGaps } from "./fidelity/known-gaps.js";
import { compareWithRecordings } from "./fidelity/recorded-comparison.js";
import type { RecordedResponse } from "./fidelity/recordings.js";
import { startAppEmulator, startTestEmulator, TEST_APP_INSTALLATION } from "./helpers.js";
import { OpenApiValidator } from "./openapi-validator.js";

const FIDELITY_DOC = new URL("../../../docs/emulator-fidelity.md", import.meta.url);

let validator: OpenApiValidator;

beforeAll(() => {
  validator = new OpenApiValidator();
});

function unexplained(differences: Difference[]): string[] {
  const gaps = loadKnownGaps();
  return differences.filter((difference) => !gaps.some((gap) => explains(gap, difference))).map(formatDifference);
}

function withoutHeader(response: RecordedResponse, name: string): RecordedResponse {
  const { [name]: _dropped, ...headers } = response.headers;
  return { ...response, headers };
}

async function allDifferences(): Promise<Difference[]> {
  const recorded = await compareWithRecordings(await startTestEmulator());
  const { emulator, jwt } = await startAppEmulator();
  const examples = await compareWithDocumentedExamples(emulator, { jwt, installationId: TEST_APP_INSTALLATION });
  return [...recorded, ...examples, ...(await compareWithDocumentedErrors(validator))];
}

describe("fidelity to GitHub: recorded traffic (@octokit/fixtures), documented examples and errors", () => {
  it("answers like GitHub except for the known gaps, and every known gap still occurs", async () => {
    const differences = await allDifferences();
    expect(unexplained(differences)).toEqual([]);
    const gaps = loadKnownGaps();
    const stale = gaps.filter((gap) => !differences.some((difference) => explains(gap, difference)));
    expect(stale.map((gap) => gap.id)).toEqual([]);
  });

  // The comparison is not vacuous: a response that loses a header or changes a form fails it.
  it("notices an emulator that stops sending x-ratelimit-remaining", async () => {
    const differences = await compareWithRecordings(await startTestEmulator(), (response) =>
      withoutHeader(response, "x-ratelimit-remaining"),
    );
    expect(unexplained(differences)).toContain(
      "POST /repos/{owner}/{repo}/issues 201 | header x-ratelimit-remaining | GitHub: integer | emulator: (absent)",
    );
  });

  it("notices a changed link format", async () => {
    const differences = await compareWithRecordings(await startTestEmulator(), (response) => {
      const link = response.headers.link;
      // Pagination links that point at /repos/{owner}/{repo}/… instead of GitHub's /repositories/{id}/….
      return link
        ? {
            ...response,
            headers: { ...response.headers, link: link.replace(/\/repositories\/\d+/g, "/repos/acme/tasks") },
          }
        : response;
    });
    expect(unexplained(differences)).toContain(
      'GET /repos/{owner}/{repo}/issues 200, first page | header link | GitHub: rel="next" /repositories/#/issues?per_page=#&page=#, rel="last" /repositories/#/issues?per_page=#&page=# | emulator: rel="next" /repos/acme/tasks/issues?per_page=#&page=#, rel="last" /repos/acme/tasks/issues?per_page=#&page=#',
    );
  });

  it("notices a weak etag where GitHub sends a strong one", async () => {
    const differences = await compareWithRecordings(await startTestEmulator(), (response) =>
      response.headers.etag
        ? { ...response, headers: { ...response.headers, etag: `W/${response.headers.etag}` } }
        : response,
    );
    expect(unexplained(differences)).toContain(
      'GET /repos/{owner}/{repo} 200 | header etag | GitHub: "<64 hex>" | emulator: W/"<64 hex>"',
    );
  });

  it("lists every known gap in docs/emulator-fidelity.md", () => {
    const doc = readFileSync(FIDELITY_DOC, "utf8");
    expect(
      loadKnownGaps()
        .filter((gap) => !doc.includes(`\`${gap.id}\``))
        .map((gap) => gap.id),
    ).toEqual([]);
  });
});
