import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { git, withWorktree } from "../../cli/diff/git";
import { interrupt, spawnTracked } from "../../cli/diff/interrupt";

describe("Ctrl-C during diff", () => {
  it("stops the running plans and removes the base worktree", async () => {
    const work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "eks-fleet-interrupt-")));
    const root = path.join(work, "repo");
    const scratch = path.join(work, "scratch");
    fs.mkdirSync(path.join(root, "node_modules"), { recursive: true });
    fs.mkdirSync(scratch);
    fs.writeFileSync(path.join(root, "README.md"), "x\n");
    const g = (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd: root, stdio: "pipe" });
    g("init", "-q");
    g("add", "README.md");
    g("commit", "-qm", "base");
    const commit = git(["rev-parse", "HEAD"], root);
    try {
      let exited: Promise<string | null> | undefined;
      const started = new Promise<void>((resolve) => {
        void withWorktree(root, commit, scratch, (dir) => {
          // A plan that would run for a long time, with a grandchild of its own.
          const child = spawnTracked("sh", ["-c", "sleep 30 & wait"], { cwd: dir, stdio: "ignore" });
          exited = new Promise((done) => child.on("exit", (_, signal) => done(signal)));
          resolve();
          return new Promise(() => undefined); // never finishes on its own
        });
      });
      await started;
      expect(fs.existsSync(path.join(scratch, "base", "README.md"))).toBe(true);

      interrupt();
      expect(await exited).toBe("SIGTERM");
      expect(fs.existsSync(path.join(scratch, "base"))).toBe(false);
      expect(git(["worktree", "list"], root).split("\n")).toHaveLength(1);
      expect(fs.existsSync(path.join(root, "node_modules"))).toBe(true); // the shared folder is untouched
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});
