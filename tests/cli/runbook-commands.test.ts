import * as fs from "fs";
import * as path from "path";
import { Cli, CLIS, FlagKind } from "../fixtures/cli-flags";
import { shellCommands } from "../support/shell-commands";

const RUNBOOK = fs.readFileSync(path.resolve(__dirname, "../../docs/RUNBOOK.md"), "utf8");

/** The runbook's data procedures: restore, fail-back, and the deliberate deletions and moves of data. */
const SECTIONS = ["## 4. ", "## 5. ", "## Removing a namespace", "## Switching the GitOps engine", "## When a backup partner changes", "## Removing a cluster"];

/** How each CLI is told which cluster or region it acts on. */
const TARGET: Readonly<Record<string, string>> = { velero: "kubecontext", flux: "context", kubectl: "context", aws: "region" };

function section(heading: string): string {
  const start = RUNBOOK.indexOf(`\n${heading}`);
  if (start < 0) throw new Error(`docs/RUNBOOK.md has no section '${heading}'`);
  const next = RUNBOOK.indexOf("\n## ", start + 1);
  return RUNBOOK.slice(start, next < 0 ? undefined : next);
}

/** Every shell command in a section: its code blocks, and inline code that starts with a checked CLI. */
function commandsOf(text: string): string[][] {
  const blocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  const inline = [...text.replace(/```sh\n[\s\S]*?```/g, "").matchAll(/`([^`\n]+)`/g)].map((m) => m[1]).filter((code) => Object.keys(CLIS).includes(code.split(" ")[0]));
  return [...blocks, ...inline].flatMap(shellCommands);
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
  if (!used.has(TARGET[words[0]])) problems.push(`${line}: names no ${TARGET[words[0]] === "region" ? "region" : "cluster"} (--${TARGET[words[0]]})`);
  return problems;
}

describe("the runbook's restore and fail-back commands, against the pinned CLIs", () => {
  const all = SECTIONS.map((heading) => ({ heading, commands: commandsOf(section(heading)).filter((w) => w[0] in CLIS) }));

  it.each(SECTIONS)("%s uses only subcommands and flags the pinned CLIs accept, each naming its cluster or region", (heading) => {
    const { commands } = all.find((s) => s.heading === heading)!;
    expect(commands.length).toBeGreaterThan(0);
    expect(commands.flatMap(problemsOf)).toEqual([]);
  });

  it("covers every CLI the procedures run", () => {
    expect([...new Set(all.flatMap((s) => s.commands.map((w) => w[0])))].sort()).toEqual(["aws", "flux", "kubectl", "velero"]);
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
  });
});
