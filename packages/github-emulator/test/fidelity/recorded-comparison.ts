import { OWNER, REPO, TOKENS } from "@sentinel/test-support/emulator";
import type { Emulator } from "../../src/index.js";
import { compareForms, type Difference } from "./differences.js";
import { type RecordedResponse, type Recording, recording } from "./recordings.js";
import { replay } from "./replay.js";
import { type ResponseForm, responseForm } from "./response-form.js";

const GITHUB_API = "https://api.github.com";
const REPO_PATH = `/repos/${OWNER}/${REPO}`;
const ISSUES = "/repos/{owner}/{repo}/issues";
const ISSUE = `${ISSUES}/{issue_number}`;
const COMMENT = `${ISSUES}/comments/{comment_id}`;
const LABELS = "/repos/{owner}/{repo}/labels";

/** What of a response a comparison covers: status and headers, the body's shape, or both. */
type Scope = "all" | "headers" | "body";

interface Comparison {
  endpoint: string;
  github: Recording;
  emulator: RecordedResponse;
  scope: Scope;
  /** Aspects an analogy cannot speak for (e.g. last-modified, which GitHub sends on some single objects). */
  exclude?: string[];
}

/** The recorded exchanges of @octokit/fixtures that the endpoints the store uses are held to. */
export const RECORDED = {
  createIssue: () => recording("paginate-issues", "POST", /\/issues$/),
  issuesFirstPage: () => recording("paginate-issues", "GET", /\/issues\?per_page=3$/),
  issuesMiddlePage: () => recording("paginate-issues", "GET", /\/issues\?per_page=3&page=4$/),
  issuesLastPage: () => recording("paginate-issues", "GET", /\/issues\?per_page=3&page=5$/),
  addIssueLabels: () => recording("add-labels-to-issue", "POST", /\/issues\/1\/labels$/),
  createLabel: () => recording("labels", "POST", /\/labels$/),
  getLabel: () => recording("labels", "GET", /\/labels\/test-label$/),
  updateLabel: () => recording("labels", "PATCH", /\/labels\/test-label$/),
  deleteLabel: () => recording("labels", "DELETE", /\/labels\/test-label-updated$/),
  invalidLabel: () => recording("errors", "POST", /\/labels$/),
  getRepository: () => recording("get-repository", "GET", /\/hello-world$/),
  notFound: () => recording("branch-protection", "GET", /\/protection$/),
};

/**
 * Replays, against a fresh emulator, the requests GitHub was recorded answering (and, for
 * the store's endpoints that have no recording, requests of the same kind), and lists every
 * way the answers' forms differ.
 */
export async function compareWithRecordings(
  emulator: Emulator,
  /** Changes an emulator response before it is compared: how a test proves a change is noticed. */
  tamper: (response: RecordedResponse) => RecordedResponse = (response) => response,
): Promise<Difference[]> {
  const call = (method: string, path: string, body?: unknown) => replay(emulator, TOKENS.alice, method, path, body);
  const recorded = Object.fromEntries(Object.entries(RECORDED).map(([name, load]) => [name, load()])) as {
    [name in keyof typeof RECORDED]: Recording;
  };

  const createdIssue = await call("POST", `${REPO_PATH}/issues`, recorded.createIssue.requestBody);
  for (let number = 2; number <= 13; number += 1)
    await call("POST", `${REPO_PATH}/issues`, { title: `Test issue ${number}` });
  const repository = await call("GET", REPO_PATH);
  const repositoryId = (repository.body as { id: number }).id;
  const issuesPage = (page: string) => call("GET", `/repositories/${repositoryId}/issues?per_page=3&page=${page}`);
  const comment = await call("POST", `${REPO_PATH}/issues/1/comments`, { body: "first" });
  const commentId = (comment.body as { id: number }).id;
  await call("POST", `${REPO_PATH}/issues/1/comments`, { body: "second" });
  const since = (comment.body as { updated_at: string }).updated_at;

  const comparisons: Comparison[] = [
    { endpoint: `POST ${ISSUES} 201`, github: recorded.createIssue, emulator: createdIssue, scope: "all" },
    {
      endpoint: `GET ${ISSUES} 200, first page`,
      github: recorded.issuesFirstPage,
      emulator: await call("GET", `${REPO_PATH}/issues?per_page=3`),
      scope: "all",
    },
    {
      endpoint: `GET ${ISSUES} 200, middle page`,
      github: recorded.issuesMiddlePage,
      emulator: await issuesPage("4"),
      scope: "all",
    },
    {
      endpoint: `GET ${ISSUES} 200, last page`,
      github: recorded.issuesLastPage,
      emulator: await issuesPage("5"),
      scope: "all",
    },
    {
      endpoint: `POST ${ISSUE}/labels 200`,
      github: recorded.addIssueLabels,
      emulator: await call("POST", `${REPO_PATH}/issues/1/labels`, recorded.addIssueLabels.requestBody),
      scope: "all",
    },
    {
      endpoint: `POST ${LABELS} 201`,
      github: recorded.createLabel,
      emulator: await call("POST", `${REPO_PATH}/labels`, recorded.createLabel.requestBody),
      scope: "all",
    },
    {
      endpoint: `GET ${LABELS}/{name} 200`,
      github: recorded.getLabel,
      emulator: await call("GET", `${REPO_PATH}/labels/test-label`),
      scope: "all",
    },
    {
      endpoint: `POST ${LABELS} 422`,
      github: recorded.invalidLabel,
      emulator: await call("POST", `${REPO_PATH}/labels`, recorded.invalidLabel.requestBody),
      scope: "all",
    },
    { endpoint: "GET /repos/{owner}/{repo} 200", github: recorded.getRepository, emulator: repository, scope: "all" },
    {
      endpoint: `GET ${ISSUE} 404`,
      github: recorded.notFound,
      emulator: await call("GET", `${REPO_PATH}/issues/9999`),
      scope: "all",
    },
    // The store's endpoints that @octokit/fixtures has not recorded: headers as GitHub sends
    // them on a response of the same kind, issue bodies as in the recorded created issue.
    ...(await analogies(call, recorded, commentId, since)),
  ];
  return comparisons.flatMap((comparison) =>
    compareForms(
      comparison.endpoint,
      formOf(responseForm(comparison.github.response, GITHUB_API), comparison),
      formOf(responseForm(tamper(comparison.emulator), emulator.url), comparison),
    ),
  );
}

async function analogies(
  call: (method: string, path: string, body?: unknown) => Promise<RecordedResponse>,
  recorded: { [name in keyof typeof RECORDED]: Recording },
  commentId: number,
  since: string,
): Promise<Comparison[]> {
  const issue = await call("GET", `${REPO_PATH}/issues/3`);
  const updatedIssue = await call("PATCH", `${REPO_PATH}/issues/2`, { title: "Renamed" });
  const noLastModified = ["header last-modified"];
  const noLink = ["header link"];
  return [
    { endpoint: `GET ${ISSUE} 200`, github: recorded.getLabel, emulator: issue, scope: "headers" },
    { endpoint: `GET ${ISSUE} 200`, github: recorded.createIssue, emulator: issue, scope: "body" },
    { endpoint: `PATCH ${ISSUE} 200`, github: recorded.updateLabel, emulator: updatedIssue, scope: "headers" },
    { endpoint: `PATCH ${ISSUE} 200`, github: recorded.createIssue, emulator: updatedIssue, scope: "body" },
    {
      endpoint: `POST ${ISSUE}/comments 201`,
      github: recorded.createIssue,
      emulator: await call("POST", `${REPO_PATH}/issues/1/comments`, { body: "third" }),
      scope: "headers",
    },
    {
      endpoint: `GET ${ISSUE}/comments 200, first page`,
      github: recorded.issuesFirstPage,
      emulator: await call("GET", `${REPO_PATH}/issues/1/comments?per_page=1`),
      scope: "headers",
      exclude: noLink,
    },
    {
      endpoint: `GET ${ISSUES}/comments 200, first page`,
      github: recorded.issuesFirstPage,
      emulator: await call(
        "GET",
        `${REPO_PATH}/issues/comments?sort=updated&direction=asc&since=${encodeURIComponent(since)}&per_page=1`,
      ),
      scope: "headers",
      exclude: noLink,
    },
    {
      endpoint: `GET ${COMMENT} 200`,
      github: recorded.getLabel,
      emulator: await call("GET", `${REPO_PATH}/issues/comments/${commentId}`),
      scope: "headers",
    },
    {
      endpoint: `PATCH ${COMMENT} 200`,
      github: recorded.updateLabel,
      emulator: await call("PATCH", `${REPO_PATH}/issues/comments/${commentId}`, { body: "edited" }),
      scope: "headers",
    },
    {
      endpoint: `DELETE ${COMMENT} 204`,
      github: recorded.deleteLabel,
      emulator: await call("DELETE", `${REPO_PATH}/issues/comments/${commentId}`),
      scope: "all",
    },
    {
      endpoint: "GET /user 200",
      github: recorded.getRepository,
      emulator: await call("GET", "/user"),
      scope: "headers",
      exclude: noLastModified,
    },
    {
      endpoint: "GET /rate_limit 200",
      github: recorded.getRepository,
      emulator: await call("GET", "/rate_limit"),
      scope: "headers",
      exclude: noLastModified,
    },
  ];
}

function formOf(form: ResponseForm, comparison: Comparison): ResponseForm {
  return Object.fromEntries(
    Object.entries(form).filter(([aspect]) => {
      if (comparison.exclude?.includes(aspect)) return false;
      const isBody = aspect.startsWith("body ");
      return comparison.scope === "all" || (comparison.scope === "body") === isBody;
    }),
  );
}
