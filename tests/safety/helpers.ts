import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const ROOT = path.resolve(__dirname, "..", "..");

/**
 * A throw-away repository that looks like a user's clone: `.git`, sources, docs, a README,
 * an untracked file, the stack file and a rendered gitops/ folder is left to the test.
 */
export function fakeRepository(): string {
  // Five levels below a temporary folder of its own, so that even `../../../../x` stays inside it.
  const repo = path.join(fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "eks-fleet-repo-"))), "w1", "w2", "w3", "w4", "repo");
  const files: Record<string, string> = {
    ".git/HEAD": "ref: refs/heads/main\n",
    ".git/config": "[core]\n",
    "README.md": "# readme\n",
    "docs/RUNBOOK.md": "# runbook\n",
    "fleet/schema.ts": "export {};\n",
    "node_modules/x/index.js": "module.exports = 1;\n",
    "notes.txt": "untracked\n",
    "Pulumi.prod.yaml": fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8"),
  };
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
    fs.writeFileSync(path.join(repo, file), content);
  }
  return repo;
}

/** The temporary folder a fake repository lives in: remove this one. */
export function worldOf(repo: string): string {
  return path.resolve(repo, "..", "..", "..", "..", "..");
}

/**
 * Every file, symbolic link, FIFO and empty folder under `dir` with a hash of its bytes (a
 * link's target; nothing for a FIFO, which is never opened) and its mode, except under `skip`.
 */
export function snapshot(dir: string, skip: (absolute: string) => boolean = () => false): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (folder: string) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (skip(full)) continue;
      const stat = fs.lstatSync(full);
      if (entry.isDirectory()) {
        if (fs.readdirSync(full).length === 0) out[`${path.relative(dir, full)}/`] = stat.mode.toString(8);
        walk(full);
      } else {
        const content = entry.isSymbolicLink() ? fs.readlinkSync(full) : entry.isFile() ? crypto.createHash("sha1").update(fs.readFileSync(full)).digest("hex") : "special";
        out[path.relative(dir, full)] = `${stat.mode.toString(8)} ${content}`;
      }
    }
  };
  walk(dir);
  return out;
}

/** Runs `work` with `dir` as the working directory. */
export async function inDir<T>(dir: string, work: () => Promise<T> | T): Promise<T> {
  const before = process.cwd();
  process.chdir(dir);
  try {
    return await work();
  } finally {
    process.chdir(before);
  }
}

/** The error line a command would print, or "ok". */
export async function outcome(run: () => Promise<unknown> | unknown): Promise<string> {
  try {
    await run();
    return "ok";
  } catch (err) {
    return (err as Error).message;
  }
}
