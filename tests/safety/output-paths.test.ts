import fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import { holdsTree, recoverSwap, TREE_MARKER, workFile, writeTreeAtomic } from "../../charts";
import { gitopsPathProblem } from "../../fleet";
import { main as synthMain } from "../../cli/synth";
import { withLock } from "../../cli/lock";
import { reportFailure } from "../../cli/errors";
import { fakeRepository, inDir, outcome, snapshot, worldOf } from "./helpers";

const FILES = [{ path: "clusters/c0/platform/a.yaml", content: "a: 1\n" }];

let repo: string;
beforeEach(() => {
  repo = fakeRepository();
  jest.spyOn(console, "log").mockImplementation(() => undefined);
  jest.spyOn(console, "error").mockImplementation(() => undefined);
});
afterEach(() => {
  jest.restoreAllMocks();
  fs.rmSync(worldOf(repo), { recursive: true, force: true });
});

describe("synth --out refuses every folder it did not write", () => {
  const refused: [string, RegExp][] = [
    [".", /--out: is the working directory/],
    ["", /--out: is empty/],
    ["..", /--out: is a parent of the working directory/],
    ["/", /--out: is the file-system root/],
    ["docs", /--out: is inside 'docs', a folder of the project itself/],
    ["fleet/out", /--out: is inside 'fleet'/],
    [".git", /--out: is inside a .git folder/],
    [".github/x", /--out: is inside the hidden folder '.github'/],
    ["README.md", /--out: is a file, not a folder/],
    ["README.md/x", /--out: '.*README.md' is a file, not a folder/],
    ["/dev/null", /--out: is a file, not a folder/],
  ];
  it.each(refused)("--out %j: exit 2 with one line, nothing changed", async (out, message) => {
    const before = snapshot(repo);
    const error = await inDir(repo, () => outcome(() => synthMain(["--out", out])));
    expect(error).toMatch(message);
    expect(error.split("\n")).toHaveLength(1);
    expect(snapshot(repo)).toEqual(before);
    expect(fs.existsSync(path.join("/", "gitops"))).toBe(false);
  });

  it("refuses a non-empty folder without the marker, and the repository root from a subfolder", async () => {
    fs.mkdirSync(path.join(repo, "mine"));
    fs.writeFileSync(path.join(repo, "mine", "keep.yaml"), "k: 1\n");
    fs.mkdirSync(path.join(repo, "sub"));
    const before = snapshot(repo);
    expect(await inDir(repo, () => outcome(() => synthMain(["--out", "mine"])))).toMatch(/--out: is not empty and has no \.eks-fleet-tree file/);
    expect(await inDir(path.join(repo, "sub"), () => outcome(() => synthMain(["--config", "../Pulumi.prod.yaml", "--out", ".."])))).toMatch(/parent of the working directory/);
    expect(snapshot(repo)).toEqual(before);
  });

  it("refuses a symbolic link that leads to the repository root", async () => {
    fs.symlinkSync(repo, path.join(repo, "link"));
    const before = snapshot(repo);
    expect(await inDir(repo, () => outcome(() => synthMain(["--out", "link"])))).toMatch(/--out: is the working directory/);
    expect(snapshot(repo)).toEqual(before);
  });

  it("writes a new folder, replaces its own tree next time and keeps the folder's mode", async () => {
    expect(await inDir(repo, () => synthMain(["--out", "rendered/tree"]))).toBe(0);
    const tree = path.join(repo, "rendered/tree");
    expect(holdsTree(tree)).toBe(true);
    fs.chmodSync(tree, 0o750);
    fs.writeFileSync(path.join(tree, "stale.yaml"), "x: 1\n");
    expect(await inDir(repo, () => synthMain(["--out", "rendered/tree"]))).toBe(0);
    expect(fs.existsSync(path.join(tree, "stale.yaml"))).toBe(false);
    expect(fs.statSync(tree).mode & 0o777).toBe(0o750);
    expect(fs.readdirSync(path.join(repo, "rendered"))).toEqual(["tree"]); // no lock or work folder left
  });

  it("fails with one line on a folder it may not write (/sys refuses even root), changing nothing", async () => {
    const error = await inDir(repo, () => synthMain(["--out", "/sys/eks-fleet-out"]).catch((err) => err));
    const lines: string[] = [];
    expect(reportFailure(error, (line) => lines.push(line))).toBe(2);
    expect(lines).toEqual([expect.stringMatching(/^\/sys\/\.eks-fleet-out\.eks-fleet-lock: (permission denied|read-only file system)/)]);
    expect(fs.existsSync("/sys/eks-fleet-out")).toBe(false);
  });
});

describe("the swap survives a kill at any step", () => {
  it("rolls a complete new tree forward when the run died between the two renames", () => {
    const target = path.join(repo, "gitops");
    writeTreeAtomic(target, FILES);
    // The state a kill between rename(target, old) and rename(new, target) leaves.
    writeTreeAtomic(path.join(repo, "next"), [{ path: "clusters/c0/platform/b.yaml", content: "b: 2\n" }]);
    fs.renameSync(target, workFile(target, "old"));
    fs.renameSync(path.join(repo, "next"), workFile(target, "new"));
    recoverSwap(target);
    expect(fs.readFileSync(path.join(target, "clusters/c0/platform/b.yaml"), "utf8")).toBe("b: 2\n");
    expect(fs.readdirSync(repo).filter((n) => n.includes("gitops"))).toEqual(["gitops"]);
  });

  it("keeps the old tree and drops a half-written new one, and the folders of earlier versions", () => {
    const target = path.join(repo, "gitops");
    writeTreeAtomic(target, FILES);
    // A staging folder gets the marker before anything else, so a half-written one has it.
    fs.mkdirSync(path.join(workFile(target, "new"), "clusters"), { recursive: true });
    fs.writeFileSync(path.join(workFile(target, "new"), TREE_MARKER), "");
    fs.mkdirSync(path.join(repo, ".gitops.new-AbC123"));
    fs.writeFileSync(path.join(repo, ".gitops.new-AbC123", TREE_MARKER), "");
    writeTreeAtomic(target, FILES);
    expect(fs.readdirSync(repo).filter((n) => n.includes("gitops"))).toEqual(["gitops"]);
  });

  it("restores the old tree when only it survived", () => {
    const target = path.join(repo, "gitops");
    writeTreeAtomic(target, FILES);
    fs.renameSync(target, workFile(target, "old"));
    recoverSwap(target);
    expect(fs.readFileSync(path.join(target, "clusters/c0/platform/a.yaml"), "utf8")).toBe("a: 1\n");
  });
});

describe("the lock", () => {
  const target = () => path.join(repo, "gitops");
  const lock = () => workFile(target(), "lock");
  const holder = (pid: number) => JSON.stringify({ lock: "eks-fleet", covers: target(), pid, host: require("os").hostname(), since: "then" });

  it("takes over a lock whose process is gone", async () => {
    fs.writeFileSync(lock(), holder(99_999_999));
    expect(await withLock(target(), () => "ran")).toBe("ran");
    expect(fs.existsSync(lock())).toBe(false);
  });

  it("waits for a live holder, then fails with one line naming it", async () => {
    fs.writeFileSync(lock(), holder(process.ppid));
    const error = await outcome(() => withLock(target(), () => "ran", { waitMs: 150, shown: "gitops" }));
    expect(error).toMatch(new RegExp(`^gitops: in use by another run \\(pid ${process.ppid} on .* since then\\); wait for it`));
    setTimeout(() => fs.rmSync(lock()), 150);
    expect(await withLock(target(), () => "ran", { waitMs: 5000 })).toBe("ran");
  });

  it("serializes two runs in one process: the second starts after the first ends", async () => {
    const order: string[] = [];
    const slow = (name: string) => async () => {
      order.push(`${name} start`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      order.push(`${name} end`);
    };
    await Promise.all([withLock(target(), slow("a")), withLock(target(), slow("b"))]);
    expect(order).toEqual(["a start", "a end", "b start", "b end"]);
  });
});

describe("property: random --out and gitops.path never touch anything outside the output folder", () => {
  const segment = fc.constantFrom(".", "..", "", ".git", ".github", "docs", "fleet", "node_modules", "README.md", "notes.txt", "gitops", "out", "a", "b");
  // Absolute values are drawn below as the repository's path plus a relative one, so that
  // every value stays inside the test's own temporary folder ("/" itself is a case above).
  const relative = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join("/")).filter((p) => !path.isAbsolute(p));

  it("for --out: either refused with one line, or only the output folder changed and it holds the marker", () => {
    const absolute = fc.tuple(fc.boolean(), relative).map(([abs, rel]) => (abs ? path.join(repo, rel) : rel));
    const world = worldOf(repo);
    fc.assert(
      fc.property(absolute, (out) => {
        const target = path.resolve(repo, out);
        expect(target.startsWith(world)).toBe(true); // the sandbox holds every value drawn
        const outside = (p: string) => p === target || p.startsWith(target + path.sep) || path.basename(p).startsWith(`.${path.basename(target)}.eks-fleet-`);
        const before = snapshot(world, outside);
        const cwd = process.cwd();
        process.chdir(repo);
        let error: unknown;
        try {
          writeTreeAtomic(out, FILES, "--out");
        } catch (err) {
          error = err;
        } finally {
          process.chdir(cwd);
        }
        expect(snapshot(world, outside)).toEqual(before);
        if (error) expect((error as Error).message.split("\n")).toHaveLength(1);
        else expect(fs.readFileSync(path.join(target, TREE_MARKER), "utf8")).toMatch(/eks-fleet/);
      }),
      { numRuns: 100 },
    );
  });

  it("for gitops.path: only paths outside hidden and project folders pass, and writing them changes nothing else", () => {
    fc.assert(
      fc.property(relative, (value) => {
        const problem = gitopsPathProblem(value);
        const first = value.split("/")[0];
        if (problem === undefined) {
          expect(value.split("/").every((s) => s !== "" && !s.startsWith("."))).toBe(true);
          expect(["docs", "fleet", "node_modules"]).not.toContain(first);
          const target = path.join(repo, value);
          const outside = (p: string) => p === target || p.startsWith(target + path.sep) || path.basename(p).includes(".eks-fleet-");
          const before = snapshot(repo, outside);
          const error = ((): Error | undefined => {
            const cwd = process.cwd();
            process.chdir(repo);
            try {
              writeTreeAtomic(value, FILES, "fleet.gitops.path");
              return undefined;
            } catch (err) {
              return err as Error;
            } finally {
              process.chdir(cwd);
            }
          })();
          // A file in the way (README.md/x) or a foreign folder is still refused at write time.
          if (error) expect(error.message).toMatch(/^fleet\.gitops\.path: /);
          expect(snapshot(repo, outside)).toEqual(before);
        }
      }),
      { numRuns: 100 },
    );
  });
});
