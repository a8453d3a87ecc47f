import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { Cli, CLIS, FlagKind } from "../fixtures/cli-flags";
import { shellCommands } from "../support/shell-commands";
import { COMMAND_OPTIONS } from "../../cli/args";
import { fleetFromStackFile, names } from "../../fleet";

const ROOT = path.resolve(__dirname, "../..");
const RUNBOOK = fs.readFileSync(path.join(ROOT, "docs/RUNBOOK.md"), "utf8");
const SCRIPTS: Record<string, string> = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts;
const ENGINES: Record<string, string> = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).engines;
/** The stack the runbook is written for. */
const PROD = fleetFromStackFile(path.join(ROOT, "Pulumi.prod.yaml")).spec;

/** Every section of the runbook, by its `## ` heading. */
const SECTIONS = [...RUNBOOK.matchAll(/^## .*$/gm)].map((m) => m[0]);

/** How each CLI is told which cluster, region or stack it acts on. */
const TARGET: Readonly<Record<string, string>> = { velero: "kubecontext", flux: "context", kubectl: "context", aws: "region", pulumi: "stack" };
/** AWS services whose API is global: the CLI needs no region for them. */
const GLOBAL_SERVICES = new Set(["route53"]);

function section(heading: string): string {
  const start = RUNBOOK.indexOf(`\n${heading}`);
  if (start < 0) throw new Error(`docs/RUNBOOK.md has no section '${heading}'`);
  const next = RUNBOOK.indexOf("\n## ", start + 1);
  return RUNBOOK.slice(start, next < 0 ? undefined : next);
}

/** The commands the runbook's readers run: the checked CLIs, `npm run` and `git`. */
const RUN = new Set([...Object.keys(CLIS), "npm", "git"]);

/** Every shell command in a text: its code blocks, and inline code that starts with a command it checks. */
function commandsOf(text: string): string[][] {
  const blocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  const inline = [...text.replace(/```sh\n[\s\S]*?```/g, "").matchAll(/`([^`\n]+)`/g)].map((m) => m[1]).filter((code) => RUN.has(code.split(" ")[0]) && code.includes(" "));
  return [...blocks, ...inline].flatMap(shellCommands);
}

/** What is wrong with an `npm run` command: a script that does not exist, a flag its command does not parse, no stack. */
export function npmProblems(words: readonly string[]): string[] {
  if (words[1] !== "run") return [];
  const line = words.join(" ");
  const script = words[2];
  if (!(script in SCRIPTS)) return [`${line}: package.json has no script '${script}'`];
  const options = COMMAND_OPTIONS[script as keyof typeof COMMAND_OPTIONS];
  if (!options) return [`${line}: '${script}' is not an operator command`];
  let args = words.slice(3);
  if (args[0] !== "--") return [`${line}: names no stack (npm passes flags after --)`];
  args = args.slice(1);
  if (script === "rollout") args = args.slice(1);
  try {
    const { values } = parseArgs({ args, options, strict: true, allowPositionals: false });
    return "stack" in values || "config" in values ? [] : [`${line}: names no stack (--stack)`];
  } catch (err) {
    return [`${line}: ${(err as Error).message}`];
  }
}

/** What is wrong with one command line of a checked CLI: unknown subcommand or flag, a missing value, no explicit target. */
export function problemsOf(words: readonly string[]): string[] {
  const cli: Cli | undefined = CLIS[words[0]];
  if (!cli) return [];
  const problems: string[] = [];
  const line = words.join(" ");
  const positionals: string[] = [];
  const used = new Set<string>();
  let command: Cli["commands"][string] | undefined;
  const kindOf = (name: string): FlagKind | undefined => command?.flags[name] ?? cli.global[name];
  for (let i = 1; i < words.length; i++) {
    const word = words[i];
    let name: string;
    let inlineValue = false;
    if (word.startsWith("--")) {
      [name] = word.slice(2).split("=");
      inlineValue = word.includes("=");
    } else if (/^-[A-Za-z]$/.test(word)) {
      const long = command?.short?.[word[1]] ?? cli.short[word[1]];
      if (!long) {
        problems.push(`${line}: ${words[0]} ${cli.version} has no flag ${word}`);
        continue;
      }
      name = long;
    } else {
      if (command) continue;
      positionals.push(word);
      command = cli.commands[positionals.join(" ")];
      continue;
    }
    const kind = kindOf(name);
    used.add(name);
    if (!kind) {
      problems.push(`${line}: ${words[0]} ${cli.version} ${command ? `${positionals.join(" ")} ` : ""}has no flag --${name}`);
      continue;
    }
    if (kind === "value" && !inlineValue) {
      if (i + 1 >= words.length || words[i + 1].startsWith("--")) problems.push(`${line}: --${name} needs a value`);
      i++;
    } else if (kind === "values" && !inlineValue) {
      while (i + 1 < words.length && !words[i + 1].startsWith("--")) i++;
    }
  }
  if (!command) problems.push(`${line}: ${words[0]} ${cli.version} has no command '${positionals.join(" ")}' in the table (tests/fixtures/cli-flags.ts)`);
  const global = words[0] === "aws" && GLOBAL_SERVICES.has(positionals[0]);
  const what: Readonly<Record<string, string>> = { region: "region", stack: "stack" };
  const target = command?.target ?? TARGET[words[0]];
  if (!used.has(target) && !global) problems.push(`${line}: names no ${what[TARGET[words[0]]] ?? "cluster"} (--${target})`);
  return problems;
}

/** Every problem of one command line of the runbook. */
function problemsOfLine(words: readonly string[]): string[] {
  return words[0] === "npm" ? npmProblems(words) : problemsOf(words);
}

describe("every runbook command, against the pinned CLIs and the project's own commands", () => {
  const all = SECTIONS.map((heading) => ({ heading, commands: commandsOf(section(heading)).filter((w) => RUN.has(w[0])) }));
  const commands = all.flatMap((s) => s.commands);

  it.each(SECTIONS)("%s uses only subcommands and flags that exist, each naming its cluster, region or stack", (heading) => {
    expect(all.find((s) => s.heading === heading)!.commands.flatMap(problemsOfLine)).toEqual([]);
  });

  it("covers every CLI the runbook runs, and the project's commands", () => {
    expect([...new Set(commands.map((w) => w[0]))].sort()).toEqual(["aws", "flux", "git", "kubectl", "npm", "pulumi", "velero"]);
    expect(new Set(commands.filter((w) => w[0] === "npm" && w[1] === "run").map((w) => w[2]))).toEqual(new Set(["failover", "synth", "plan", "diff", "rollout", "deploy"]));
  });

  it("starts with the prerequisites: each CLI at the version its flags were read from, Node at package.json's", () => {
    const prerequisites = section("## Before you start");
    expect(RUNBOOK.indexOf(prerequisites)).toBeLessThan(RUNBOOK.indexOf("\n## 1. "));
    const row = (tool: string) => prerequisites.split("\n").find((l) => l.startsWith(`| ${tool} |`)) ?? "";
    const tools: Record<string, string> = { aws: "AWS CLI", kubectl: "kubectl", flux: "Flux CLI", velero: "Velero CLI", pulumi: "Pulumi CLI" };
    for (const [cli, tool] of Object.entries(tools)) expect(row(tool)).toContain(CLIS[cli].version.split(" ")[0]);
    expect(row("kubectl")).toContain(`v${PROD.kubernetesVersion}`);
    expect(row("Node.js and npm")).toContain(ENGINES.node.replace(/^>=/, ""));
  });

  it("creates every context it uses, for the stack's EKS clusters in their regions, as a role with an access entry", () => {
    const isContext = (w: readonly string[]) => w.slice(0, 3).join(" ") === "aws eks update-kubeconfig";
    const created = commands.filter(isContext);
    const flag = (w: readonly string[], name: string) => w[w.indexOf(`--${name}`) + 1];
    expect(commandsOf(section("## Before you start")).filter(isContext).map((w) => [flag(w, "alias"), flag(w, "name"), flag(w, "region")])).toEqual(
      PROD.clusters.map((c) => [c.name, names.eksClusterName(PROD.name, c.name), c.region]),
    );
    for (const w of created) expect(PROD.clusterAdmins).toContain(flag(w, "role-arn"));
    const used = new Set(commands.flatMap((w) => w.flatMap((word, i) => (["--context", "--kubecontext"].includes(word) ? [w[i + 1]] : []))));
    used.delete("<hub>");
    expect([...used].filter((context) => !created.some((w) => flag(w, "alias") === context))).toEqual([]);
  });

  it("points into the stack's own tree, at folders the render has", () => {
    const treePaths = commands.flatMap((w) => w.filter((word) => /^gitops\//.test(word) || word === PROD.gitops.path));
    expect(treePaths.length).toBeGreaterThan(0);
    for (const word of treePaths) {
      expect(word.split("/")[0]).toBe(PROD.gitops.path);
      expect(fs.existsSync(path.join(ROOT, word))).toBe(true);
    }
  });

  it("deletes object versions a page of at most 1,000 at a time (S3 DeleteObjects takes at most 1,000 keys)", () => {
    const lists = commands.filter((w) => w.slice(0, 3).join(" ") === "aws s3api list-object-versions");
    expect(commands.some((w) => w.slice(0, 3).join(" ") === "aws s3api delete-objects")).toBe(true);
    expect(lists.length).toBeGreaterThan(0);
    for (const w of lists) {
      expect(w).toContain("--no-paginate");
      expect(Number(w[w.indexOf("--max-keys") + 1])).toBeLessThanOrEqual(1000);
    }
  });

  it("breaks glass with the promotion's own render: no app namespace or replica count written into a command", () => {
    const breakGlass = commandsOf(section("### 2a. ").split("\n### 2b. ")[0]);
    const appNamespaces = PROD.namespaces.map((n) => n.name);
    expect(breakGlass.filter((w) => w.some((word, i) => ["-n", "--namespace"].includes(w[i - 1] ?? "") && appNamespaces.includes(word)))).toEqual([]);
    expect(breakGlass.filter((w) => w.includes("scale") && w.includes("--all"))).toEqual([]);
    expect(breakGlass.filter((w) => w[0] === "kubectl" && w.includes("replace")).map((w) => w[w.indexOf("-k") + 1])).toEqual(
      expect.arrayContaining(["gitops/clusters/usw2/traffic", "gitops/clusters/usw2/apps"]),
    );
  });

  it("reads commands as a shell does: continuations, quotes, substitutions", () => {
    const [inner, outer] = shellCommands(`until [ "$(aws s3api head-object --region us-west-2 \\\n  --key 'a b' --query ReplicationStatus)" = COMPLETED ]; do sleep 30; done`);
    expect(inner).toEqual(["aws", "s3api", "head-object", "--region", "us-west-2", "--key", "a b", "--query", "ReplicationStatus"]);
    expect(outer).toEqual(["$(…)", "=", "COMPLETED", "]"]);
  });

  it("rejects a flag the CLI does not have, a missing value, and a command without its cluster", () => {
    expect(problemsOf(["velero", "restore", "create", "r", "--kubecontext", "usw2", "--from-backup", "b", "--restore-pvs"])).toEqual([
      "velero restore create r --kubecontext usw2 --from-backup b --restore-pvs: velero v1.18.1 restore create has no flag --restore-pvs",
    ]);
    expect(problemsOf(["kubectl", "--context", "usw2", "-n", "payments", "scale", "deployment", "--replicas"])).toEqual([
      "kubectl --context usw2 -n payments scale deployment --replicas: --replicas needs a value",
    ]);
    expect(problemsOf(["flux", "suspend", "kustomization", "apps", "-n", "flux-system"])).toEqual(["flux suspend kustomization apps -n flux-system: names no cluster (--context)"]);
    expect(problemsOf(["velero", "backup", "download", "b", "--kubecontext", "usw2"])).toEqual([
      "velero backup download b --kubecontext usw2: velero v1.18.1 has no command 'backup download b' in the table (tests/fixtures/cli-flags.ts)",
    ]);
    expect(problemsOf(["pulumi", "up", "--target", "urn"])).toEqual(["pulumi up --target urn: names no stack (--stack)"]);
    expect(problemsOf(["pulumi", "state", "move", "--dest", "prod", "urn"])).toEqual(["pulumi state move --dest prod urn: names no stack (--source)"]);
    expect(problemsOf(["pulumi", "state", "move", "--source", "prod.c1", "--dest", "prod", "--yes", "urn"])).toEqual([]);
    expect(problemsOf(["aws", "route53", "get-health-check-status", "--health-check-id", "x"])).toEqual([]);
  });

  it("rejects an npm command without its stack, with a flag its command does not parse, or a script that does not exist", () => {
    expect(npmProblems(["npm", "run", "synth"])).toEqual(["npm run synth: names no stack (npm passes flags after --)"]);
    expect(npmProblems(["npm", "run", "rollout", "--", "promote", "--resume"])).toEqual(["npm run rollout -- promote --resume: names no stack (--stack)"]);
    expect(npmProblems(["npm", "run", "failover", "--", "--stack", "prod", "--target", "usw2"])[0]).toMatch(/^npm run failover -- --stack prod --target usw2: .*--target/);
    expect(npmProblems(["npm", "run", "promote", "--", "--stack", "prod"])).toEqual(["npm run promote -- --stack prod: package.json has no script 'promote'"]);
    expect(npmProblems(["npm", "run", "rollout", "--", "status", "--stack", "prod", "--outputs", "o.json"])).toEqual([]);
  });
});
