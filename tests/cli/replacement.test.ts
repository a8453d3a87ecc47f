import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { parseFleet } from "../../fleet";
import { hasReplaceRule, REPLACE_ON_CHANGE, replacingKeys } from "../../cli/diff/replacement";
import { evaluateProgram } from "../../cli/engine/evaluate";
import { fleetConfig, stackConfig, ZONE_ID } from "../fixtures/fleets";

const ROOT = path.join(__dirname, "../..");

/** The prod stack as committed, and a variant that turns on what prod leaves off: Argo CD (with a repository Secret) and Global Accelerator. */
function stacks(): Record<string, { fleet: unknown; region: unknown }> {
  const prod = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8")).config;
  const variant = fleetConfig(3, { dns: { zone: "example.com", zoneId: ZONE_ID, record: "api.example.com", globalAccelerator: true } });
  variant.gitops = { ...variant.gitops, engine: "argocd", secretRef: "platform-repo" };
  return {
    prod: { fleet: prod["eks-fleet:fleet"], region: prod["aws:region"] },
    argocdGlobalAccelerator: { fleet: variant, region: "us-east-1" },
  };
}

/** Provider resources (AWS, Kubernetes, pulumi-eks); the program's own components and provider instances replace nothing themselves. */
const isProviderResource = (type: string) => !type.startsWith("eks-fleet:") && !type.startsWith("pulumi:providers:");

describe("REPLACE_ON_CHANGE", () => {
  const planned = new Map<string, Set<string>>();

  beforeAll(async () => {
    // Sequential: the mock engine is one process-wide runtime.
    for (const [name, { fleet, region }] of Object.entries(stacks())) {
      const spec = parseFleet(fleet, region);
      const { resources } = await evaluateProgram(stackConfig(fleet, region, "prod"), spec.accountId);
      planned.set(name, new Set(resources.map((r) => r.type).filter(isProviderResource)));
    }
  }, 60_000);

  it("has a row for every AWS and Kubernetes resource type the program registers", () => {
    const types = new Set([...planned.values()].flatMap((s) => [...s]));
    // The variant really turns on the optional parts, or the check below proves little.
    for (const t of ["aws:globalaccelerator/accelerator:Accelerator", "kubernetes:argoproj.io/v1alpha1:ApplicationSet", "kubernetes:core/v1:SecretPatch", "kubernetes:source.toolkit.fluxcd.io/v1:GitRepository"]) {
      expect(types).toContain(t);
    }
    const missing = [...types].filter((t) => !hasReplaceRule(t)).sort();
    // A new type needs a row — `properties: []` with its source if nothing forces a replacement.
    expect(missing).toEqual([]);
  });

  it("names a source for every row", () => {
    for (const [type, rule] of Object.entries(REPLACE_ON_CHANGE)) {
      expect({ type, source: rule.source.trim().length > 0 }).toEqual({ type, source: true });
    }
  });

  it("treats an unlisted type as unknown, not as an in-place update", () => {
    expect(hasReplaceRule("aws:example/thing:Thing")).toBe(false);
    expect(hasReplaceRule("toString")).toBe(false);
    expect(replacingKeys("aws:example/thing:Thing", ["inputs.name"])).toEqual([]);
  });

  it("flags ForceNew inputs of the newly listed types, top-level and nested", () => {
    expect(replacingKeys("aws:lb/targetGroup:TargetGroup", ["inputs.port", "inputs.healthCheck.path", "inputs.vpcId"])).toEqual(["inputs.port", "inputs.vpcId"]);
    expect(replacingKeys("aws:acm/certificate:Certificate", ["inputs.domainName", "inputs.tags.team"])).toEqual(["inputs.domainName"]);
    expect(replacingKeys("aws:eks/cluster:Cluster", ["inputs.kubernetesNetworkConfig.serviceIpv4Cidr", "inputs.vpcConfig.subnetIds[0]"])).toEqual(["inputs.kubernetesNetworkConfig.serviceIpv4Cidr"]);
    expect(replacingKeys("aws:ec2/internetGateway:InternetGateway", ["inputs.vpcId"])).toEqual([]);
  });
});
