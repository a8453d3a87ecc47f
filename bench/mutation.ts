import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

/**
 * `npm run mutation`: Stryker (with its jest runner) over the failover, DNS and diff code,
 * one run per group of bench/mutation-groups.js (MUTATION_GROUPS=diff,dns to choose), then
 * the mutation score of each and of all: mutants the tests detect (killed or timed out) over
 * those they could (detected, survived, not covered). Reports in reports/mutation/. Slow
 * (hours on two cores): not part of `npm test`.
 */
const ROOT = path.join(__dirname, "..");
const GROUPS: Record<string, unknown> = require("./mutation-groups");
const chosen = (process.env.MUTATION_GROUPS ?? Object.keys(GROUPS).join(",")).split(",");

interface Tally {
  detected: number;
  undetected: number;
  invalid: number;
  minutes: number;
}

/** Counts a Stryker JSON report's mutants by what the tests made of them. */
function tally(report: string, minutes: number): Tally {
  const { files } = JSON.parse(fs.readFileSync(report, "utf8")) as { files: Record<string, { mutants: { status: string }[] }> };
  const t: Tally = { detected: 0, undetected: 0, invalid: 0, minutes };
  for (const { mutants } of Object.values(files)) {
    for (const { status } of mutants) {
      if (status === "Killed" || status === "Timeout") t.detected++;
      else if (status === "Survived" || status === "NoCoverage") t.undetected++;
      else t.invalid++;
    }
  }
  return t;
}

const score = (t: Tally) => `${((100 * t.detected) / (t.detected + t.undetected)).toFixed(1)}% (${t.detected} of ${t.detected + t.undetected} detected${t.invalid ? `, ${t.invalid} invalid or ignored` : ""}), ${t.minutes.toFixed(0)} min`;

const results = new Map<string, Tally>();
for (const group of chosen) {
  if (!(group in GROUPS)) throw new Error(`unknown group '${group}' (${Object.keys(GROUPS).join(", ")})`);
  const started = performance.now();
  const run = spawnSync(path.join(ROOT, "node_modules/.bin/stryker"), ["run", "bench/stryker.config.mjs"], { cwd: ROOT, stdio: "inherit", env: { ...process.env, MUTATION_GROUP: group } });
  if (run.status !== 0) throw new Error(`stryker failed on group ${group} (exit ${run.status})`);
  results.set(group, tally(path.join(ROOT, "reports/mutation", `${group}.json`), (performance.now() - started) / 60_000));
}

console.log("\nmutation score (detected / detectable)");
for (const [group, t] of results) console.log(`  ${group.padEnd(9)} ${score(t)}`);
const all = [...results.values()].reduce((a, t) => ({ detected: a.detected + t.detected, undetected: a.undetected + t.undetected, invalid: a.invalid + t.invalid, minutes: a.minutes + t.minutes }));
console.log(`  ${"all".padEnd(9)} ${score(all)}`);
