import { OWNER, REPO, startTestEmulator } from "@sentinel/test-support/emulator";
import type { SecondaryShape } from "../../src/faults.js";
import type { Emulator } from "../../src/index.js";
import type { OpenApiValidator } from "../openapi-validator.js";
import type { Difference } from "./differences.js";
import type { RecordedResponse } from "./recordings.js";
import { replay } from "./replay.js";
import { responseForm } from "./response-form.js";

const DOCS = "https://docs.github.com/en/rest/using-the-rest-api";
const TROUBLESHOOTING = `${DOCS}/troubleshooting-the-rest-api`;
const RATE_LIMITS = `${DOCS}/rate-limits-for-the-rest-api`;
const REPO_PATH = `/repos/${OWNER}/${REPO}`;
const ISSUE = "/repos/{owner}/{repo}/issues/{issue_number}";
const TOKEN = "alice-token";
const ACTIONS_TOKEN = "ghs_actions";

/** The validation error codes GitHub documents (troubleshooting, "Validation Failed"). */
const DOCUMENTED_CODES = new Set(["missing", "missing_field", "invalid", "already_exists", "unprocessable", "custom"]);

/** One thing GitHub's documentation says of an error response, and what the emulator's answer shows. */
interface Rule {
  aspect: string;
  documented: string;
  observed: (response: RecordedResponse) => string;
}

interface DocumentedError {
  endpoint: string;
  /** The page that documents the rules. */
  source: string;
  rules: Rule[];
  trigger: () => Promise<RecordedResponse>;
}

const status = (...statuses: number[]): Rule => {
  const documented = statuses.join(" or ");
  return {
    aspect: "status",
    documented,
    observed: (response) => (statuses.includes(response.status) ? documented : String(response.status)),
  };
};

const message = (pattern: RegExp): Rule => ({
  aspect: "body $.message",
  documented: `matches ${pattern}`,
  observed: (response) => {
    const text = (response.body as { message?: unknown } | undefined)?.message;
    return typeof text === "string" && pattern.test(text) ? `matches ${pattern}` : JSON.stringify(text);
  },
});

/** A header in the form response-form.ts describes (e.g. "integer", "epoch seconds"), or "(absent)". */
const header = (name: string, documented: string): Rule => ({
  aspect: `header ${name}`,
  documented,
  observed: (response) => responseForm(response, "")[`header ${name}`] ?? "(absent)",
});

const headerValue = (name: string, value: string): Rule => ({
  aspect: `header ${name}`,
  documented: value,
  observed: (response) => response.headers[name] ?? "(absent)",
});

const documentedCodes: Rule = {
  aspect: "body $.errors[].code",
  documented: "documented codes",
  observed: (response) => {
    const errors = (response.body as { errors?: Array<{ code?: unknown }> } | undefined)?.errors ?? [];
    const codes = errors.map((error) => String(error.code));
    return codes.length > 0 && codes.every((code) => DOCUMENTED_CODES.has(code)) ? "documented codes" : codes.join(",");
  },
};

/** The body conforms to what GitHub's OpenAPI description documents for the status (or to basic-error). */
function openApi(validator: OpenApiValidator, method: string, pattern: string): Rule {
  return {
    aspect: "body (OpenAPI)",
    documented: "conforms",
    observed: (response) => {
      const documented = validator.documentedStatuses(method, pattern).includes(String(response.status));
      const problems = documented
        ? validator.validate(method, pattern, response.status, response.body)
        : validator.validateError(response.body);
      return problems.length === 0 ? "conforms" : problems.join("; ");
    },
  };
}

/**
 * Error responses that @octokit/fixtures barely recorded, held to what GitHub's REST
 * documentation and OpenAPI description say of them.
 */
export async function compareWithDocumentedErrors(validator: OpenApiValidator): Promise<Difference[]> {
  const emulator = await startTestEmulator({
    users: [
      { login: "alice", token: TOKEN },
      { login: "github-actions[bot]", token: ACTIONS_TOKEN, integration: true },
    ],
    secondaryRateLimit: false,
  });
  const call = (method: string, path: string, body?: unknown, token = TOKEN) =>
    replay(emulator, token, method, path, body);
  await call("POST", `${REPO_PATH}/issues`, { title: "kept" });
  await call("POST", `${REPO_PATH}/issues`, { title: "deleted" });
  await emulatorAdmin(emulator, "DELETE", `/repos/${OWNER}/${REPO}/issues/2`);
  const validationFailed = [status(422), message(/^Validation Failed$/), documentedCodes];
  const commentRefused = [...validationFailed, openApi(validator, "POST", `${ISSUE}/comments`)];
  const secondary = [status(403, 429), message(/secondary rate limit/)];
  const secondaryCase = (shape: SecondaryShape, httpStatus: 403 | 429, rules: Rule[]): DocumentedError => ({
    endpoint: `POST ${ISSUE}/comments ${httpStatus}, secondary limit (${shape})`,
    source: `${RATE_LIMITS}#exceeding-the-rate-limit`,
    rules: [...secondary, ...rules],
    trigger: async () => {
      emulator.setFaults({
        reset: true,
        secondaryStormSeconds: 60,
        secondaryShape: shape,
        secondaryStatus: httpStatus,
      });
      return call("POST", `${REPO_PATH}/issues/1/comments`, { body: "refused" });
    },
  });

  const cases: DocumentedError[] = [
    {
      endpoint: "GET /user 403, integration token",
      source: `${TROUBLESHOOTING}#resource-not-accessible`,
      rules: [status(403), message(/^Resource not accessible by integration$/), openApi(validator, "GET", "/user")],
      trigger: () => call("GET", "/user", undefined, ACTIONS_TOKEN),
    },
    {
      endpoint: `GET ${ISSUE} 404`,
      source: `${TROUBLESHOOTING}#404-not-found-for-an-existing-resource`,
      rules: [status(404), message(/^Not Found$/), openApi(validator, "GET", ISSUE)],
      trigger: () => call("GET", `${REPO_PATH}/issues/9999`),
    },
    {
      endpoint: `GET ${ISSUE} 410, deleted issue`,
      source: "@octokit/openapi api.github.com.json, GET /repos/{owner}/{repo}/issues/{issue_number} responses.410",
      rules: [status(410), openApi(validator, "GET", ISSUE)],
      trigger: () => call("GET", `${REPO_PATH}/issues/2`),
    },
    {
      endpoint: "POST /repos/{owner}/{repo}/issues 422, title missing",
      source: `${TROUBLESHOOTING}#invalid-request`,
      rules: [status(422), message(/^Invalid request/)],
      trigger: () => call("POST", `${REPO_PATH}/issues`, { body: "no title" }),
    },
    {
      endpoint: `PATCH ${ISSUE} 422, invalid state`,
      source: `${TROUBLESHOOTING}#validation-failed`,
      rules: [...validationFailed, openApi(validator, "PATCH", ISSUE)],
      trigger: () => call("PATCH", `${REPO_PATH}/issues/1`, { state: "bogus" }),
    },
    {
      endpoint: "POST /repos/{owner}/{repo}/labels 422, name over 50 characters",
      source: `${TROUBLESHOOTING}#validation-failed`,
      rules: [...validationFailed, openApi(validator, "POST", "/repos/{owner}/{repo}/labels")],
      trigger: () => call("POST", `${REPO_PATH}/labels`, { name: "n".repeat(51) }),
    },
    {
      endpoint: `PATCH ${ISSUE} 422, label over 50 characters`,
      source: `${TROUBLESHOOTING}#validation-failed`,
      rules: [...validationFailed, openApi(validator, "PATCH", ISSUE)],
      trigger: () => call("PATCH", `${REPO_PATH}/issues/1`, { labels: ["l".repeat(51)] }),
    },
    {
      endpoint: `POST ${ISSUE}/comments 422, body over 65536 characters`,
      source: `${TROUBLESHOOTING}#validation-failed`,
      rules: commentRefused,
      trigger: () => call("POST", `${REPO_PATH}/issues/1/comments`, { body: "b".repeat(65_537) }),
    },
    {
      endpoint: `POST ${ISSUE}/comments 422, submitted too quickly`,
      source: `${TROUBLESHOOTING}#validation-failed`,
      rules: commentRefused,
      trigger: async () => {
        emulator.setFaults({ reset: true, secondaryStormSeconds: 60, secondaryShape: "tooQuickly" });
        return call("POST", `${REPO_PATH}/issues/1/comments`, { body: "refused" });
      },
    },
    secondaryCase("retryAfter", 403, [header("retry-after", "integer")]),
    secondaryCase("retryAfter", 429, [header("retry-after", "integer")]),
    secondaryCase("bare", 403, [header("retry-after", "(absent)")]),
    secondaryCase("reset", 429, [
      headerValue("x-ratelimit-remaining", "0"),
      header("x-ratelimit-reset", "epoch seconds"),
    ]),
    {
      endpoint: "GET /user 403, primary limit exhausted",
      source: `${RATE_LIMITS}#exceeding-the-rate-limit`,
      rules: [
        status(403, 429),
        headerValue("x-ratelimit-remaining", "0"),
        header("x-ratelimit-reset", "epoch seconds"),
      ],
      trigger: async () => {
        const limited = await startTestEmulator({ rateLimit: { limit: 1 } });
        await replay(limited, TOKEN, "GET", "/user");
        return replay(limited, TOKEN, "GET", "/user");
      },
    },
    {
      endpoint: "GET /rate_limit 404, rate limiting off (GitHub Enterprise Server)",
      source: RATE_LIMITS,
      rules: [status(404), header("x-ratelimit-limit", "(absent)"), openApi(validator, "GET", "/rate_limit")],
      trigger: async () => replay(await startTestEmulator({ rateLimit: false }), TOKEN, "GET", "/rate_limit"),
    },
  ];

  const differences: Difference[] = [];
  for (const documentedError of cases) {
    const response = await documentedError.trigger();
    for (const rule of documentedError.rules) {
      const observed = rule.observed(response);
      if (observed !== rule.documented)
        differences.push({
          endpoint: documentedError.endpoint,
          aspect: rule.aspect,
          github: `${rule.documented} (${documentedError.source})`,
          emulator: observed,
        });
    }
  }
  return differences;
}

async function emulatorAdmin(emulator: Emulator, method: string, path: string): Promise<void> {
  await fetch(`${emulator.url}/_emulator${path}`, {
    method,
    headers: { authorization: `token ${emulator.adminToken}` },
  });
}
