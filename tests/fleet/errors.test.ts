import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { reportFailure } from "../../cli/errors";
import { FleetConfigError, fleetFromStackFile } from "../../fleet";
import { fleetFromPulumiConfig } from "../../fleet/pulumi-config";
import { fleetConfig, problemsOf } from "../fixtures/fleets";
import { tempDir } from "../support/temp-dirs";

const dir = tempDir("eks-fleet-errors-");
const ROOT = path.resolve(__dirname, "..", "..");

/** The lines `npm run plan` would print for a stack file with this text. */
function linesFor(name: string, text: string): string[] {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  try {
    fleetFromStackFile(file);
    return [];
  } catch (err) {
    if (err instanceof FleetConfigError) return err.message.split("\n").map((line) => line.replace(`${file}:`, `${name}:`));
    throw err;
  }
}

/** A stack file as a user writes it, with `mistakes` applied to its text. */
const stackText = (mistakes: (text: string) => string) =>
  mistakes(
    [
      "config:",
      "  aws:region: us-east-1",
      "  eks-fleet:fleet:",
      "    name: prod",
      '    accountId: "123456789012"',
      "    mode: active-passive",
      '    kubernetesVersion: "1.33"',
      "    gitops: { engine: flux, repoUrl: https://github.com/acme/platform.git }",
      "    dns: { zone: example.com, record: api.example.com, zoneId: Z0123456789ABCDEFGHIJ }",
      "    clusters:",
      "      - name: euw1a",
      "        region: eu-west-1",
      "        role: primary",
      "        vpcCidr: 10.0.0.0/16",
      "        nodes: { instanceTypes: [m6i.large], min: 1, desired: 2, max: 3 }",
      "      - name: use1",
      "        region: us-east-1",
      "        role: secondary",
      "        vpcCidr: 10.1.0.0/16",
      "        nodes: { instanceTypes: [m6i.large], min: 1, desired: 2, max: 3 }",
      "    deployRoleArn: arn:aws:iam::123456789012:role/eks-fleet-deploy",
      "    apiAccessCidrs: [203.0.113.0/24]",
      "",
    ].join("\n"),
  );

describe("errors point at the line and name the cluster", () => {
  it("reads the valid stack the cases change", () => {
    expect(linesFor("Pulumi.ok.yaml", stackText((t) => t))).toEqual([]);
  });

  it("schema problems: file:line:column, the cluster's name, did-you-mean for keys and values, what YAML made of a number", () => {
    const text = stackText((t) =>
      t
        .replace('accountId: "123456789012"', "accountId: 021098765432")
        .replace("mode: active-passive", "mode: active-pasive")
        .replace('kubernetesVersion: "1.33"', "kubernetesVersion: 1.30")
        .replace("engine: flux", "engine: flx")
        .replace("{ instanceTypes: [m6i.large], min: 1, desired: 2, max: 3 }\n      - name: use1", "{ instanceType: [m6i.large], min: 1, desired: 2, max: 3 }\n      - name: use1"),
    );
    expect(linesFor("Pulumi.schema.yaml", text)).toEqual([
      'Pulumi.schema.yaml:5:16: fleet.accountId: expected text, but YAML read 021098765432 as the number 21098765432 (the leading zero is lost); quote it: "021098765432"',
      'Pulumi.schema.yaml:6:11: fleet.mode: Invalid option: expected one of "active-active"|"active-passive"; did you mean \'active-passive\'?',
      'Pulumi.schema.yaml:7:24: fleet.kubernetesVersion: expected text, but YAML read 1.30 as the number 1.3 (the trailing zero is lost); quote it: "1.30"',
      'Pulumi.schema.yaml:8:23: fleet.gitops.engine: Invalid option: expected one of "flux"|"argocd"; did you mean \'flux\'?',
      "Pulumi.schema.yaml:15:18: fleet.clusters[euw1a].nodes.instanceType: unknown key; did you mean 'instanceTypes'? (see the README's config reference)",
    ]);
  });

  it("rule problems: the line of the value, clusters by name in the path and the message, a misspelt region", () => {
    const text = stackText((t) => t.replace("region: eu-west-1", "region: eu-wset-1").replace("vpcCidr: 10.1.0.0/16", "vpcCidr: 10.0.128.0/17"));
    expect(linesFor("Pulumi.rules.yaml", text)).toEqual([
      "Pulumi.rules.yaml:12:17: fleet.clusters[euw1a].region: unknown AWS region 'eu-wset-1'; did you mean 'eu-west-1'?",
      "Pulumi.rules.yaml:19:18: fleet.clusters[use1].vpcCidr: '10.0.128.0/17' overlaps fleet.clusters[euw1a].vpcCidr (10.0.0.0/16)",
    ]);
  });

  it("a missing key points at the map that lacks it", () => {
    const text = stackText((t) => t.replace("        vpcCidr: 10.1.0.0/16\n", ""));
    expect(linesFor("Pulumi.missing.yaml", text)).toEqual(["Pulumi.missing.yaml:16:9: fleet.clusters[use1].vpcCidr: is required (string)"]);
  });

  it("keeps a cluster's index when its name is missing, invalid or shared, so a path points at one cluster", () => {
    const raw = fleetConfig(3);
    raw.clusters[1].name = "c0";
    raw.clusters[2].vpcCidr = "10.0.0.0/17";
    expect(problemsOf(raw)).toEqual([
      "fleet.clusters[1].name: 'c0' is already the name of fleet.clusters[0]",
      "fleet.clusters[c2].vpcCidr: '10.0.0.0/17' overlaps fleet.clusters[0].vpcCidr (10.0.0.0/16)",
    ]);
    delete raw.clusters[1].name;
    expect(problemsOf(raw)).toContain("fleet.clusters[1].name: is required (string)");
  });

  it("a number where text belongs, without a file to read it from, says to quote it", () => {
    expect(problemsOf(fleetConfig(2, { kubernetesVersion: 1.3 }))).toEqual(['fleet.kubernetesVersion: expected text, but YAML read the number 1.3; quote it ("1.3") so it stays as written']);
  });

  it("a misspelt top-level key suggests the key, and an unrelated one does not guess", () => {
    const raw = fleetConfig(2, { clusterAdmin: [] });
    raw.colour = "blue";
    expect(problemsOf(raw)).toEqual([
      "fleet.clusterAdmin: unknown key; did you mean 'clusterAdmins'? (see the README's config reference)",
      "fleet.colour: unknown key (check the spelling; see the README's config reference)",
    ]);
  });

  it("the same problems reach pulumi up, with cluster names, as one RunError", () => {
    const raw = fleetConfig(2);
    raw.clusters[1].region = "us-est-1";
    pulumi.runtime.setAllConfig({ "aws:region": "us-east-1", "eks-fleet:fleet": JSON.stringify(raw) });
    try {
      expect(() => fleetFromPulumiConfig()).toThrow(pulumi.RunError);
      expect(() => fleetFromPulumiConfig()).toThrow("fleet.clusters[c1].region: unknown AWS region 'us-est-1'; did you mean 'us-east-1'?");
    } finally {
      pulumi.runtime.setAllConfig({});
    }
  });
});

describe("internal errors", () => {
  it("print the whole message and how to see the stack trace, never the trace itself", () => {
    const lines: string[] = [];
    const bug = new Error("first line\nsecond line");
    expect(reportFailure(bug, (l) => lines.push(l))).toBe(70);
    expect(lines).toEqual([
      "internal error (exit 70): first line\nsecond line",
      "This is a bug in eks-fleet. Run the command again with --debug to see the stack trace, and include it in a report.",
    ]);
    lines.length = 0;
    expect(reportFailure(bug, (l) => lines.push(l), true)).toBe(70);
    expect(lines[1]).toBe(bug.stack);
  });

  it("every command takes --debug, which prints the stack trace of an internal error", () => {
    const script = path.join(dir, "failing-command.ts");
    fs.writeFileSync(script, `require(${JSON.stringify(path.join(ROOT, "cli/errors.ts"))}).runCommand(async (argv: string[]) => { throw new Error("broken: " + JSON.stringify(argv)); });\n`);
    const run = (...args: string[]) => spawnSync(process.execPath, ["-r", path.join(ROOT, "cli/register.js"), script, ...args], { encoding: "utf8" });
    const plain = run("--x");
    expect(plain.status).toBe(70);
    expect(plain.stderr).toBe('internal error (exit 70): broken: ["--x"]\nThis is a bug in eks-fleet. Run the command again with --debug to see the stack trace, and include it in a report.\n');
    const debug = run("--x", "--debug");
    expect(debug.status).toBe(70);
    expect(debug.stderr).toMatch(/^internal error \(exit 70\): broken: \["--x"\]\nError: broken: \["--x"\]\n\s+at /);
  });
});
