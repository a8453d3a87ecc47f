import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseFlags } from "../cli/args";
import { UsageError } from "../cli/errors";

/**
 * `npm run mutation [-- --group dns,failover] [-- --files components/dns-routing.ts]`:
 * Stryker (with its jest runner) over the failover, DNS and diff code, one run per group of
 * bench/mutation-groups.js (all by default), each narrowed to `--files` of it when given (a
 * file alone picks its group), then each run's mutants by outcome and the mutation score: the
 * mutants the tests detect (killed or timed out) over those they could (detected, survived,
 * not covered). Reports, and the incremental state that lets a rerun skip unchanged mutants,
 * in reports/mutation/. Slow (minutes per file on two cores): not part of `npm test`.
 */
const ROOT = path.join(__dirname, "..");
const GROUPS: Record<string, { mutate: string[]; tests: string[] }> = require("./mutation-groups");
const USAGE = "npm run mutation -- [--group GROUP[,GROUP]] [--files FILE[,FILE]]";

interface Run {
  group: string;
  files?: string[];
}

/** The runs the flags ask for: each group (or the groups of the files) with its chosen files. */
function runsOf(argv: string[]): Run[] {
  const flags = parseFlags(argv, { group: { type: "string" }, files: { type: "string" } }, USAGE);
  const groups = flags.group?.split(",") ?? [];
  for (const group of groups) if (!(group in GROUPS)) throw new UsageError(`--group: no group '${group}' (${Object.keys(GROUPS).join(", ")})`);
  if (flags.files === undefined) return (groups.length ? groups : Object.keys(GROUPS)).map((group) => ({ group }));
  const runs = new Map<string, string[]>();
  for (const file of flags.files.split(",")) {
    // A Stryker mutate entry may carry a line range: components/dns-routing.ts:40-60.
    const owners = (groups.length ? groups : Object.keys(GROUPS)).filter((group) => GROUPS[group].mutate.includes(file.replace(/:[\d:-]+$/, "")));
    if (owners.length === 0) throw new UsageError(`--files: '${file}' is in no ${groups.length ? "chosen " : ""}group's mutate list (bench/mutation-groups.js)`);
    for (const group of owners) runs.set(group, [...(runs.get(group) ?? []), file]);
  }
  return [...runs].map(([group, files]) => ({ group, files }));
}

const OUTCOMES = ["Killed", "Timeout", "Survived", "NoCoverage", "RuntimeError", "CompileError", "Ignored"] as const;
type Tally = Record<(typeof OUTCOMES)[number], number> & { minutes: number };
interface Mutant {
  status: (typeof OUTCOMES)[number];
  mutatorName: string;
  replacement: string;
  location: { start: { line: number; column: number } };
}

/** Counts a Stryker JSON report's mutants by what the tests made of them; lists the undetected. */
function tally(report: string, minutes: number): { tally: Tally; undetected: string[] } {
  const { files } = JSON.parse(fs.readFileSync(report, "utf8")) as { files: Record<string, { mutants: Mutant[] }> };
  const t = { ...Object.fromEntries(OUTCOMES.map((o) => [o, 0])), minutes } as Tally;
  const undetected: string[] = [];
  for (const [file, { mutants }] of Object.entries(files)) {
    for (const m of mutants) {
      t[m.status]++;
      if (m.status === "Survived" || m.status === "NoCoverage") {
        undetected.push(`    ${file}:${m.location.start.line}:${m.location.start.column} ${m.status} ${m.mutatorName} → ${JSON.stringify(m.replacement).slice(0, 80)}`);
      }
    }
  }
  return { tally: t, undetected };
}

function line(name: string, t: Tally): string {
  const detected = t.Killed + t.Timeout;
  const detectable = detected + t.Survived + t.NoCoverage;
  const score = detectable ? `${((100 * detected) / detectable).toFixed(1)}%` : "–";
  const invalid = t.RuntimeError + t.CompileError + t.Ignored;
  return `  ${name.padEnd(12)} ${score.padStart(6)}  ${detected} of ${detectable} detected (killed ${t.Killed}, timeout ${t.Timeout}, survived ${t.Survived}, no coverage ${t.NoCoverage})${invalid ? `, ${invalid} invalid or ignored` : ""}, ${t.minutes.toFixed(1)} min`;
}

function main(): void {
  const runs = runsOf(process.argv.slice(2));
  const results = new Map<string, Tally>();
  const undetected: string[] = [];
  for (const { group, files } of runs) {
    // A run over some files of a group keeps its own reports and incremental state.
    const scope = files ? `${group}-${files.map((f) => path.basename(f).replace(/\.ts.*$/, "")).join("+")}` : group;
    const started = performance.now();
    const run = spawnSync(path.join(ROOT, "node_modules/.bin/stryker"), ["run", "bench/stryker.config.mjs"], {
      cwd: ROOT,
      stdio: "inherit",
      env: { ...process.env, MUTATION_GROUP: group, MUTATION_SCOPE: scope, MUTATION_FILES: files?.join(",") ?? "" },
    });
    if (run.status !== 0) throw new Error(`stryker failed on ${scope} (exit ${run.status})`);
    const report = tally(path.join(ROOT, "reports/mutation", `${scope}.json`), (performance.now() - started) / 60_000);
    results.set(scope, report.tally);
    undetected.push(...report.undetected);
  }
  if (undetected.length) console.log(`\nundetected mutants (file:line:column)\n${undetected.join("\n")}`);
  console.log("\nmutation score (detected / detectable)");
  for (const [scope, t] of results) console.log(line(scope, t));
  if (results.size > 1) {
    const all = [...results.values()].reduce((a, t) => Object.fromEntries(Object.keys(a).map((k) => [k, a[k as keyof Tally] + t[k as keyof Tally]])) as Tally);
    console.log(line("all", all));
  }
}

try {
  main();
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  console.error(err.message);
  process.exit(2);
}
