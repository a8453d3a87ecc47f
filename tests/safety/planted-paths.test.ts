import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { renderTree, treeDifferences, workFile, writeTreeAtomic } from "../../charts";
import { declaredReplicatedKinds } from "../../charts/replicated-files";
import { stageTree, swapInTree } from "../../charts/write-tree";
import { readStackFileText, writeStackFileText } from "../../cli/failover/stack-file";
import { withLock } from "../../cli/lock";
import { writeFileAtomic } from "../../cli/write";
import { main as planMain } from "../../cli/plan";
import { main as synthMain } from "../../cli/synth";
import { fleetFromStackFile } from "../../fleet";
import { fakeRepository, inDir, outcome, ROOT, snapshot, worldOf } from "./helpers";

/** What an attacker with a shell on the runner, or a careless user, leaves at a path the program uses. */
const PLANTS: Record<string, (at: string, victim: string) => void> = {
  "a link to a file elsewhere": (at, victim) => fs.symlinkSync(victim, at),
  "a dangling link": (at) => fs.symlinkSync(`${at}-nowhere`, at),
  "a folder with a file": (at) => {
    fs.mkdirSync(at);
    fs.writeFileSync(path.join(at, "keep.txt"), "mine\n");
  },
  "a FIFO": (at) => execFileSync("mkfifo", [at]),
  "a file of the user's": (at) => fs.writeFileSync(at, "mine\n"),
};

let repo: string;
let world: string;
let victim: string;
beforeEach(() => {
  repo = fakeRepository();
  world = worldOf(repo);
  victim = path.join(world, "victim.txt");
  fs.writeFileSync(victim, "precious\n");
  jest.spyOn(console, "log").mockImplementation(() => undefined);
  jest.spyOn(console, "error").mockImplementation(() => undefined);
});
afterEach(() => {
  jest.restoreAllMocks();
  fs.rmSync(world, { recursive: true, force: true });
});

const inRepo = <T>(work: () => Promise<T> | T) => inDir(repo, work);
function inDirSync<T>(dir: string, work: () => T): T {
  const before = process.cwd();
  process.chdir(dir);
  try {
    return work();
  } finally {
    process.chdir(before);
  }
}
/** The fresh render of the repository's stack, as `synth` writes it under `root`. */
const freshTree = (root: string) => renderTree(fleetFromStackFile(path.join(repo, "Pulumi.prod.yaml")).spec, { root });

const FILES = [{ path: "clusters/c0/platform/a.yaml", content: "a: 1\n" }];

describe("temporary and staging paths are created exclusively, never through a planted link", () => {
  it("failover's edit goes through no temporary path a user could plant", () => {
    const stackFile = path.join(repo, "Pulumi.prod.yaml");
    // The temporary name earlier versions used, planted as a link to another file.
    fs.symlinkSync(victim, path.join(repo, ".Pulumi.prod.yaml.eks-fleet-new"));
    writeStackFileText(readStackFileText(stackFile), "edited\n");
    expect(fs.readFileSync(victim, "utf8")).toBe("precious\n");
    expect(fs.lstatSync(stackFile).isFile()).toBe(true);
    expect(fs.readFileSync(stackFile, "utf8")).toBe("edited\n");
    expect(fs.readlinkSync(path.join(repo, ".Pulumi.prod.yaml.eks-fleet-new"))).toBe(victim);
  });

  it("plan.json's temporary file: a link planted at the name earlier versions used is not followed", () => {
    const file = path.join(repo, "out", "plan.json");
    fs.mkdirSync(path.dirname(file));
    const planted = `${file}.${process.pid}.tmp`;
    fs.symlinkSync(victim, planted);
    writeFileAtomic(file, "{}\n");
    expect(fs.readFileSync(victim, "utf8")).toBe("precious\n");
    expect(fs.lstatSync(file).isFile()).toBe(true);
    expect(fs.readlinkSync(planted)).toBe(victim);
  });

  it.each(Object.keys(PLANTS).flatMap((plant) => [[plant, "new"], [plant, "old"]] as const))(
    "the tree writer stops at %s in the way of its %s work folder, before changing anything",
    async (plant, kind) => {
      const target = path.join(repo, "gitops");
      writeTreeAtomic(target, FILES);
      PLANTS[plant](workFile(target, kind), victim);
      const before = snapshot(world);
      const error = await inDirSync(repo, () => outcome(() => writeTreeAtomic("gitops", FILES)));
      expect(error).toBe(`.gitops.eks-fleet-${kind}: is in the way of gitops: it was not made by this program, so it is left as it is; move it away`);
      expect(snapshot(world)).toEqual(before);
    },
  );
});

describe("one lock covers every path a command writes, wherever it is nested", () => {
  const order: string[] = [];
  const hold = (target: string, name: string) =>
    withLock(target, async () => {
      order.push(`${name} holds`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      order.push(`${name} releases`);
    });
  const later = (target: string, name: string) => new Promise((resolve) => setTimeout(resolve, 50)).then(() => withLock(target, () => void order.push(`${name} runs`)));

  it("a run inside a held folder waits for it, and a run around a held path waits for that", async () => {
    const out = path.join(repo, "out");
    fs.mkdirSync(out);
    order.length = 0;
    await Promise.all([hold(out, "plan folder"), later(path.join(out, "gitops"), "tree")]);
    expect(order).toEqual(["plan folder holds", "plan folder releases", "tree runs"]);
    fs.mkdirSync(path.join(out, "gitops"), { recursive: true });
    order.length = 0;
    await Promise.all([hold(path.join(out, "gitops"), "tree"), later(out, "plan folder")]);
    expect(order).toEqual(["tree holds", "tree releases", "plan folder runs"]);
  });

  it("plan --out D and synth --out D/gitops at once: both finish, and the tree is whole", async () => {
    const [plan, synth] = await inRepo(() => Promise.all([planMain(["--out", "out"]), synthMain(["--out", "out/gitops"])]));
    expect([plan, synth]).toEqual([0, 0]);
    expect(treeDifferences(path.join(repo, "out", "gitops"), freshTree("out/gitops"))).toEqual([]);
    expect(fs.readdirSync(path.join(repo, "out")).sort()).toEqual(["gitops", "plan.json", "policy-config.prod.json"]);

    // plan.json being a folder is reported before the tree moves, and nothing changes.
    fs.rmSync(path.join(repo, "out", "plan.json"));
    fs.mkdirSync(path.join(repo, "out", "plan.json"));
    const before = snapshot(world);
    expect(await inRepo(() => outcome(() => planMain(["--out", "out"])))).toBe("out/plan.json: is a folder, not the plan this program writes; it is left as it is: move it away");
    expect(snapshot(world)).toEqual(before);

    // So is a pack config that is not a regular file: reported before anything changes.
    fs.rmSync(path.join(repo, "out", "plan.json"), { recursive: true });
    fs.rmSync(path.join(repo, "out", "policy-config.prod.json"));
    fs.mkdirSync(path.join(repo, "out", "policy-config.prod.json"));
    const unchanged = snapshot(world);
    expect(await inRepo(() => outcome(() => planMain(["--out", "out"])))).toBe("out/policy-config.prod.json: is a folder, not the plan this program writes; it is left as it is: move it away");
    expect(snapshot(world)).toEqual(unchanged);
  });
});

describe("the lock never spins and never removes what it did not write", () => {
  it.each(Object.keys(PLANTS))("%s at the lock path: exit 2 at once naming it, left as it was", async (plant) => {
    const target = path.join(repo, "gitops");
    const lock = workFile(target, "lock");
    PLANTS[plant](lock, victim);
    // Old enough that the earlier "empty lock left by a killed run" rule would have removed it.
    if (fs.lstatSync(lock).isFile()) fs.utimesSync(lock, new Date(0), new Date(0));
    const before = snapshot(world);
    const started = Date.now();
    let ran = false;
    const error = await outcome(() => withLock(target, () => (ran = true), { waitMs: 20_000, shown: "gitops" }));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(ran).toBe(false);
    expect(error).toMatch(new RegExp(`^gitops: ${lock.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is in the way: a (file|folder|symbolic link|FIFO), not a lock this program wrote; it is left as it is: move it away$`));
    expect(snapshot(world)).toEqual(before);
  });
});

describe("every file read is bounded and typed", () => {
  it.each([
    ["a FIFO", (at: string) => execFileSync("mkfifo", [at])],
    ["a link to /dev/zero", (at: string) => fs.symlinkSync("/dev/zero", at)],
  ])("a sibling stack file that is %s blocks nothing", (_, plant) => {
    fs.writeFileSync(path.join(repo, "Pulumi.yaml"), "name: eks-fleet\nruntime: nodejs\n");
    plant(path.join(repo, "Pulumi.staging.yaml"));
    const started = Date.now();
    expect(fleetFromStackFile(path.join(repo, "Pulumi.prod.yaml")).spec.name).toBe("prod");
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("the GitOps agents' rights read replicated/platform's CRDs past a FIFO and a link to /dev/zero there", () => {
    const replicated = path.join(repo, "replicated");
    fs.mkdirSync(path.join(replicated, "platform"), { recursive: true });
    fs.copyFileSync(path.join(ROOT, "replicated/platform/maintenancewindows.yaml"), path.join(replicated, "platform/maintenancewindows.yaml"));
    execFileSync("mkfifo", [path.join(replicated, "platform/fifo.yaml")]);
    fs.symlinkSync("/dev/zero", path.join(replicated, "platform/zero.yaml"));
    const started = Date.now();
    expect(declaredReplicatedKinds(replicated).map((k) => k.kind)).toEqual(["MaintenanceWindow"]);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("synth --check reports a FIFO and a link to /dev/zero in the tree as changes, without reading them", async () => {
    expect(await inRepo(() => synthMain(["--out", "gitops"]))).toBe(0);
    const [first] = freshTree("gitops").map((f) => f.path);
    fs.rmSync(path.join(repo, "gitops", first));
    execFileSync("mkfifo", [path.join(repo, "gitops", first)]);
    fs.symlinkSync("/dev/zero", path.join(repo, "gitops", "zero.yaml"));
    const errors: string[] = [];
    jest.spyOn(console, "error").mockImplementation((line: string) => void errors.push(line));
    expect(await inRepo(() => synthMain(["--out", "gitops", "--check"]))).toBe(1);
    expect(errors).toEqual(expect.arrayContaining([`gitops/${first}: changed (differs from a fresh render)`, "gitops/zero.yaml: extra (a fresh render no longer has it)"]));
  });
});

describe("a failed write is exit 2 naming the path, and the old outputs stay", () => {
  /** Runs a command with the file-size limit set (dash counts 512-byte blocks): writes past it fail with EFBIG. */
  const limited = (blocks: number, command: string, args: string[]) => {
    const node = `exec "${process.execPath}" -r "${path.join(ROOT, "cli/register.js")}" "${path.join(ROOT, "cli", `${command}.ts`)}" ${args.join(" ")}`;
    try {
      execFileSync("sh", ["-c", `ulimit -f ${blocks}; ${node}`], { cwd: repo, encoding: "utf8", stdio: "pipe" });
      return { status: 0, stderr: "" };
    } catch (err) {
      const { status, stderr } = err as { status: number; stderr: string };
      return { status, stderr };
    }
  };

  it("plan and synth (file too large) name the file, and the old tree and plan stay", () => {
    fs.mkdirSync(path.join(repo, "out"));
    writeTreeAtomic(path.join(repo, "out", "gitops"), FILES);
    fs.writeFileSync(path.join(repo, "out", "plan.json"), "{}\n");
    const before = snapshot(world);
    // 2 KiB: some tree files do not fit (the plan stages its tree on a worker thread).
    for (const [command, out] of [["plan", "out"], ["synth", "out/gitops"]]) {
      const run = limited(4, command, ["--out", out]);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/^out\/gitops\/clusters\/[^\n]+\.yaml: file too large \(EFBIG\)\n$/);
      expect(snapshot(world)).toEqual(before);
    }
  }, 60_000);

  it("when the file written beside the tree fails, the old tree comes back", () => {
    const target = path.join(repo, "gitops");
    writeTreeAtomic(target, FILES);
    const before = snapshot(world);
    const full = Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    const staged = stageTree(target, [{ path: "clusters/c0/platform/b.yaml", content: "b: 2\n" }]);
    expect(() => swapInTree(staged, () => { throw full; })).toThrow(full);
    expect(snapshot(world)).toEqual(before);
  });
});
