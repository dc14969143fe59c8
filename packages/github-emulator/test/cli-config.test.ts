import { describe, expect, it } from "vitest";
import { CliUsageError, readCliOptions } from "../src/cli-config.js";

describe("CLI options", () => {
  it("reads users, repositories, port, persistence and faults from flags", () => {
    const options = readCliOptions(
      [
        "--port",
        "0",
        "--persist",
        "/tmp/s.json",
        "--users",
        "alice:t1:collaborator",
        "--users",
        "bob:t2",
        "--repo",
        "acme/tasks",
        "--faults",
        '{"errorRate":0.1}',
      ],
      {},
    );
    expect(options).toMatchObject({
      port: 0,
      persistPath: "/tmp/s.json",
      repos: ["acme/tasks"],
      users: [
        { login: "alice", token: "t1", collaborator: true },
        { login: "bob", token: "t2", collaborator: false },
      ],
      faults: { errorRate: 0.1 },
    });
  });

  it("falls back to the environment, seeding GITHUB_OWNER/GITHUB_REPO and GITHUB_TOKEN", () => {
    const options = readCliOptions([], {
      GITHUB_OWNER: "org",
      GITHUB_REPO: "queue",
      GITHUB_TOKEN: "ghp_x",
      EMULATOR_PORT: "5000",
    });
    expect(options).toMatchObject({
      port: 5000,
      repos: ["org/queue"],
      users: [{ login: "org", token: "ghp_x", collaborator: true }],
    });
    const many = readCliOptions([], { EMULATOR_USERS: "a:1:collaborator,b:2" });
    expect(many.users.map((user) => user.login)).toEqual(["a", "b"]);
  });

  it("names the bad flag in its error", () => {
    expect(() => readCliOptions(["--users", "alice"], {})).toThrow(CliUsageError);
    expect(() => readCliOptions(["--port", "x"], {})).toThrow(/--port/);
    expect(() => readCliOptions(["--faults", '{"errorRate":5}'], {})).toThrow(/errorRate/);
    expect(() => readCliOptions(["--colour"], {})).toThrow(CliUsageError);
  });

  it('skips the "--" separator that pnpm passes through', () => {
    expect(readCliOptions(["--", "--port", "7"], {}).port).toBe(7);
  });
});
