import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { FleetConfigError, fleetFromStackFile } from "../../fleet";
import { fleetFromPulumiConfig } from "../../fleet/pulumi-config";
import { fleetConfig } from "../fixtures/fleets";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-fleet-load-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

function problems(file: string): string[] {
  try {
    fleetFromStackFile(file);
    return [];
  } catch (err) {
    if (err instanceof FleetConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
}

describe("reading a stack file", () => {
  it("reads the committed prod stack", () => {
    const { spec, config } = fleetFromStackFile(path.join(__dirname, "../../Pulumi.prod.yaml"));
    expect(config.stack).toBe("prod");
    expect(spec.clusters.map((c) => `${c.name}:${c.region}:${c.role}`)).toEqual(["use1:us-east-1:primary", "usw2:us-west-2:secondary"]);
  });

  it("reads project keys written without the namespace, as the Pulumi CLI does", () => {
    const file = write("Pulumi.short.yaml", YAML.stringify({ config: { "aws:region": "us-east-1", fleet: fleetConfig(2) } }));
    expect(fleetFromStackFile(file).spec.name).toBe("prod");
  });

  it("rejects a missing file", () => {
    // The path as given, not its basename: several folders may hold a Pulumi.<stack>.yaml.
    expect(problems(path.join(dir, "Pulumi.nope.yaml"))).toEqual([`${path.join(dir, "Pulumi.nope.yaml")}: file not found`]);
  });

  it("rejects an empty file", () => {
    expect(problems(write("Pulumi.empty.yaml", "\n \n"))).toEqual([`${path.join(dir, "Pulumi.empty.yaml")}: file is empty`]);
  });

  it("rejects a file that is not YAML, at the line and column", () => {
    const [line] = problems(write("Pulumi.bad.yaml", "config:\n  eks-fleet:fleet: {name: [\n"));
    expect(line).toMatch(new RegExp(`^${path.join(dir, "Pulumi.bad.yaml")}:\\d+:\\d+: not valid YAML \\(`));
  });

  it("rejects YAML without a config map or fleet key", () => {
    expect(problems(write("Pulumi.list.yaml", "- a\n- b\n"))).toEqual([`${path.join(dir, "Pulumi.list.yaml")}: has no 'config:' map`]);
    expect(problems(write("Pulumi.nokey.yaml", "config:\n  aws:region: us-east-1\n"))).toEqual([`${path.join(dir, "Pulumi.nokey.yaml")}: has no 'eks-fleet:fleet' key under config`]);
  });

  it("stops an alias bomb fast instead of expanding it", () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 10; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(", ")}]`);
    const file = write("Pulumi.bomb.yaml", `config:\n  eks-fleet:fleet:\n${levels.map((l) => `    ${l}`).join("\n")}\n`);
    const started = Date.now();
    const [line] = problems(file);
    expect(line).toMatch(/Pulumi\.bomb\.yaml: not valid YAML \(.*alias/i);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("rejects duplicate keys, which YAML would otherwise silently resolve, at the second one", () => {
    const [line] = problems(write("Pulumi.dup.yaml", "config:\n  aws:region: us-east-1\n  aws:region: us-west-2\n  eks-fleet:fleet: {}\n"));
    expect(line).toBe(`${path.join(dir, "Pulumi.dup.yaml")}:3:3: not valid YAML (map keys must be unique: 'aws:region' appears twice)`);
  });

  it("rejects keys that differ only by YAML type (1 and \"1\"), which would merge into one", () => {
    const fleet = YAML.stringify({ config: { "aws:region": "us-east-1", "eks-fleet:fleet": fleetConfig(2) } });
    const text = fleet.replace("      - name: c0\n", '      - name: c0\n        labels: { 1: a, "1": b }\n');
    expect(text).toContain('"1": b');
    expect(problems(write("Pulumi.types.yaml", text))).toEqual([expect.stringMatching(/Pulumi\.types\.yaml:\d+:\d+: not valid YAML \(map keys must be unique: '1' appears twice\)$/)]);
  });
});

describe("under pulumi up", () => {
  afterEach(() => pulumi.runtime.setAllConfig({}));

  it("raises the same problems as a RunError, without a stack trace", () => {
    const bad = fleetConfig(2, { accountId: "42" });
    pulumi.runtime.setAllConfig({ "aws:region": "us-east-1", "eks-fleet:fleet": JSON.stringify(bad) });
    expect(() => fleetFromPulumiConfig()).toThrow(pulumi.RunError);
    expect(() => fleetFromPulumiConfig()).toThrow("fleet.accountId: must be a 12-digit AWS account ID in quotes");
  });

  it("parses the config the CLI sets", () => {
    pulumi.runtime.setAllConfig({ "aws:region": "us-east-1", "eks-fleet:fleet": JSON.stringify(fleetConfig(2)) });
    expect(fleetFromPulumiConfig().clusters).toHaveLength(2);
  });
});
