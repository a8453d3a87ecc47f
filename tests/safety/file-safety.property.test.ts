import { execFileSync } from "child_process";
import fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import { TREE_MARKER } from "../../charts";
import { main as planMain } from "../../cli/plan";
import { main as synthMain } from "../../cli/synth";
import { FleetConfigError } from "../../fleet";
import { UsageError } from "../../cli/errors";
import { fakeRepository, inDir, snapshot, worldOf } from "./helpers";

/**
 * What an attacker with a shell on the runner (or a careless user) can leave around the paths a
 * command writes. None of them is the program's, except an earlier output (`ownTree`, `ownPlan`).
 */
const KINDS = ["none", "file", "emptyFolder", "folderWithFile", "linkToVictimFile", "linkToVictimFolder", "danglingLink", "fifo", "linkToDevZero"] as const;
type Kind = (typeof KINDS)[number] | "ownTree" | "ownPlan";

function plant(at: string, kind: Kind, victims: { file: string; folder: string }): void {
  fs.mkdirSync(path.dirname(at), { recursive: true });
  switch (kind) {
    case "none": return;
    case "file": return fs.writeFileSync(at, "a user's file\n");
    case "emptyFolder": return fs.mkdirSync(at);
    case "folderWithFile": fs.mkdirSync(at); return fs.writeFileSync(path.join(at, "keep.txt"), "mine\n");
    case "linkToVictimFile": return fs.symlinkSync(victims.file, at);
    case "linkToVictimFolder": return fs.symlinkSync(victims.folder, at);
    case "danglingLink": return fs.symlinkSync(`${at}-nowhere`, at);
    case "fifo": return void execFileSync("mkfifo", [at]);
    case "linkToDevZero": return fs.symlinkSync("/dev/zero", at);
    case "ownTree":
      fs.mkdirSync(path.join(at, "clusters"), { recursive: true });
      fs.writeFileSync(path.join(at, TREE_MARKER), "");
      return fs.writeFileSync(path.join(at, "clusters", "old.yaml"), "old: 1\n");
    case "ownPlan":
      plant(path.join(at, "gitops"), "ownTree", victims);
      return fs.writeFileSync(path.join(at, "plan.json"), "{}\n");
  }
}

/** Mostly nothing, so that runs also succeed; otherwise any kind. */
const kind = fc.oneof({ weight: 5, arbitrary: fc.constant<Kind>("none") }, { weight: 2, arbitrary: fc.constantFrom<Kind>(...KINDS) });

/** A command, its output folder (often its own earlier output), and what is planted at every path it writes, locks or stages. */
const scenario = fc.record({
  command: fc.constantFrom("synth", "synth", "plan"),
  output: fc.oneof({ weight: 4, arbitrary: fc.constant<Kind | "own">("own") }, { weight: 3, arbitrary: kind }),
  lock: kind,
  staging: kind,
  aside: kind,
  planFile: kind,
  innerLock: kind,
  innerStaging: kind,
});

/** The paths a successful run may replace: the output it writes (and nothing beside it). */
function ownedBy(command: string, out: string): (p: string) => boolean {
  if (command === "synth") return (p) => p === out || p.startsWith(out + path.sep);
  const tree = path.join(out, "gitops");
  return (p) => p === out || p === path.join(out, "plan.json") || p === tree || p.startsWith(tree + path.sep);
}

/** A command that ends neither in success nor in exit 2 with one line per problem is a crash: the property fails. */
async function run(command: string, args: string[]): Promise<"ok" | "refused"> {
  try {
    await (command === "synth" ? synthMain(args) : planMain(args));
    return "ok";
  } catch (err) {
    if (err instanceof FleetConfigError || err instanceof UsageError || (err as NodeJS.ErrnoException).code) return "refused";
    throw err;
  }
}

/** Longer than any run takes on a busy runner, shorter than the 30 s a lock is waited on: nothing may wait or spin. */
const BOUND_MS = 20_000;

describe("property: no command writes, deletes or follows a path it did not create", () => {
  beforeEach(() => {
    jest.spyOn(console, "log").mockImplementation(() => undefined);
    jest.spyOn(console, "error").mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it("random trees of files, folders, links and FIFOs around the output, work and lock paths stay byte-identical", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const repo = fakeRepository();
        const world = worldOf(repo);
        try {
          const victims = { file: path.join(world, "victim.txt"), folder: path.join(world, "victim") };
          fs.writeFileSync(victims.file, "precious\n");
          plant(path.join(victims.folder, "inside.txt"), "file", victims);
          const out = path.join(repo, "out");
          const output = s.output === "own" ? (s.command === "synth" ? "ownTree" : "ownPlan") : s.output;
          plant(out, output, victims);
          plant(path.join(repo, ".out.eks-fleet-lock"), s.lock, victims);
          plant(path.join(repo, ".out.eks-fleet-new"), s.staging, victims);
          plant(path.join(repo, ".out.eks-fleet-old"), s.aside, victims);
          if (fs.lstatSync(out, { throwIfNoEntry: false })?.isDirectory() && !fs.lstatSync(out).isSymbolicLink()) {
            // Inside the output: where plan writes plan.json and stages its tree.
            if (output !== "ownPlan") plant(path.join(out, "plan.json"), s.planFile, victims);
            plant(path.join(out, ".gitops.eks-fleet-lock"), s.innerLock, victims);
            plant(path.join(out, ".gitops.eks-fleet-new"), s.innerStaging, victims);
          }
          const owned = ownedBy(s.command, out);
          const before = snapshot(world);
          const beforeOthers = snapshot(world, owned);

          const started = Date.now();
          const outcome = await inDir(repo, () => run(s.command, ["--out", "out"]));
          expect(Date.now() - started).toBeLessThan(BOUND_MS);

          if (outcome === "refused") {
            expect(snapshot(world)).toEqual(before); // a refused run changes nothing at all
          } else {
            expect(snapshot(world, owned)).toEqual(beforeOthers);
            const tree = s.command === "synth" ? out : path.join(out, "gitops");
            expect(fs.lstatSync(path.join(tree, TREE_MARKER)).isFile()).toBe(true);
          }
        } finally {
          fs.rmSync(world, { recursive: true, force: true });
        }
      }),
      { numRuns: 14 },
    );
  });
});
