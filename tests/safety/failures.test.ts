import * as fs from "fs";
import * as path from "path";
import { PassThrough } from "stream";
import { TREE_MARKER, writeTreeAtomic } from "../../charts";
import { exitQuietlyOnBrokenPipe, reportFailure } from "../../cli/errors";
import { main as planMain } from "../../cli/plan";
import { redact } from "../../cli/redact";
import { fleetConfig, writeStackFile } from "../fixtures/fleets";
import { fakeRepository, snapshot, worldOf } from "./helpers";

const errno = (code: string, file?: string) => Object.assign(new Error(`${code}: boom, write '${file}'`), { code, path: file });

describe("every failure is one line and exit 1 or 2, or a bug's message and exit 70", () => {
  it.each([
    ["ENOSPC", "no space left on device"],
    ["EROFS", "read-only file system"],
    ["EACCES", "permission denied"],
    ["ENOTDIR", "a part of the path is a file, not a folder"],
  ])("%s while writing is bad input naming the file", (code, words) => {
    const lines: string[] = [];
    expect(reportFailure(errno(code, path.join(process.cwd(), "gitops/x.yaml")), (l) => lines.push(l))).toBe(2);
    expect(lines).toEqual([`gitops/x.yaml: ${words} (${code})`]);
  });

  it("an unexpected error prints its message and how to see more, never the stack trace", () => {
    const lines: string[] = [];
    const bug = new Error("cannot read properties of undefined");
    expect(reportFailure(bug, (l) => lines.push(l))).toBe(70);
    expect(lines.join("\n")).not.toContain(bug.stack!.split("\n")[1]);
    expect(lines[0]).toBe("internal error (exit 70): cannot read properties of undefined");
  });

  it("output piped into a reader that went away (head) ends quietly with the command's code", () => {
    const stream = new PassThrough();
    const exits: number[] = [];
    exitQuietlyOnBrokenPipe(stream, (code) => exits.push(code));
    stream.emit("error", Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
    expect(exits).toEqual([0]);
  });

  it("a file-system error halfway through the tree leaves the previous tree and no leftovers", () => {
    const repo = fakeRepository();
    try {
      const target = path.join(repo, "gitops");
      writeTreeAtomic(target, [{ path: "clusters/c0/platform/a.yaml", content: "a: 1\n" }]);
      const before = snapshot(repo);
      // The second file needs the first to be a folder: EEXIST mid-write (a full disk fails at the same step).
      const clash = [{ path: "clusters/c0/platform/a.yaml", content: "a: 2\n" }, { path: "clusters/c0/platform/a.yaml/b.yaml", content: "b: 2\n" }];
      expect(() => writeTreeAtomic(target, clash)).toThrow(/EEXIST|ENOTDIR/);
      expect(snapshot(repo)).toEqual(before);
      expect(fs.existsSync(path.join(target, TREE_MARKER))).toBe(true);
    } finally {
      fs.rmSync(worldOf(repo), { recursive: true, force: true });
    }
  });
});

describe("secrets are never printed", () => {
  it("masks credentials in URLs and tokens, and keeps a plain ssh user", () => {
    expect(redact("https://bot:hunter2@github.com/a.git ssh://git@github.com/a.git")).toBe("https://[redacted]@github.com/a.git ssh://git@github.com/a.git");
    expect(redact(`https://${"x".repeat(40)}@github.com/a.git`)).toBe("https://[redacted]@github.com/a.git");
    expect(redact(`key AKIAIOSFODNN7EXAMPLE and ghp_${"a".repeat(36)}`)).toBe("key [redacted] and [redacted]");
    expect(redact("-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----")).toBe("[redacted]");
  });

  it("plan.json and --json never carry a token, even one used as a secret's name", async () => {
    const repo = fakeRepository();
    const token = `ghp_${"T".repeat(36)}`;
    const config = path.join(repo, "Pulumi.tok.yaml");
    const fleet = fleetConfig(2, { secrets: [{ name: token, namespace: "payments" }] });
    writeStackFile(config, fleet);
    const written: string[] = [];
    const write = jest.spyOn(process.stdout, "write").mockImplementation((chunk: any) => (written.push(String(chunk)), true));
    try {
      await planMain(["--config", config, "--out", path.join(repo, "out"), "--json"]);
    } finally {
      write.mockRestore();
      const plan = fs.readFileSync(path.join(repo, "out", "plan.json"), "utf8");
      fs.rmSync(worldOf(repo), { recursive: true, force: true });
      expect(plan).toContain("[redacted]");
      expect(plan).not.toContain(token);
      expect(written.join("")).not.toContain(token);
    }
  });
});
