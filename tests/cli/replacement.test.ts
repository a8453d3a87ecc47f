import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { parseFleet } from "../../fleet";
import { autoNamedInputs, conditionalReplacements, hasReplaceRule, identityInputs, refusals, REPLACE_ON_CHANGE, replacingKeys } from "../../cli/diff/replacement";
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
  /** AWS types the program gives a `name`. */
  const named = new Set<string>();

  beforeAll(async () => {
    // Sequential: the mock engine is one process-wide runtime.
    for (const [name, { fleet, region }] of Object.entries(stacks())) {
      const spec = parseFleet(fleet, region);
      const { resources } = await evaluateProgram(stackConfig(fleet, region, "prod"), spec.accountId);
      planned.set(name, new Set(resources.map((r) => r.type).filter(isProviderResource)));
      for (const r of resources) if (r.type.startsWith("aws:") && typeof r.inputs.name === "string") named.add(r.type);
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

  it("knows which names the AWS provider generates, as its SDK says: an auto-named input is optional there", () => {
    // Several types, or the check proves little; one with a name it requires.
    expect(named.size).toBeGreaterThan(5);
    expect(named).toContain("aws:route53/record:Record");
    for (const type of named) {
      const [, module, resource] = /^aws:([^/]+)\/([^:]+):/.exec(type)!;
      const types = fs.readFileSync(path.join(ROOT, "node_modules/@pulumi/aws", module, `${resource}.d.ts`), "utf8");
      const args = types.slice(types.indexOf(`export interface ${type.split(":").pop()}Args {`));
      const optional = /\n {4}name\?:/.test(args.slice(0, args.indexOf("\n}")));
      expect({ type, autoNamed: autoNamedInputs(type).includes("name") }).toEqual({ type, autoNamed: optional });
    }
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
    expect(replacingKeys("aws:iam/openIdConnectProvider:OpenIdConnectProvider", ["inputs.url", "inputs.thumbprintLists[0]"])).toEqual(["inputs.url"]);
    // Route 53 sends a type or set identifier change as DELETE + CREATE in one batch: in place to the engine.
    expect(replacingKeys("aws:route53/record:Record", ["inputs.setIdentifier", "inputs.type", "inputs.name"])).toEqual(["inputs.name"]);
  });

  it("adds the resource's own replaceOnChanges paths, `*` meaning every input", () => {
    expect(replacingKeys("aws:sqs/queue:Queue", ["inputs.delaySeconds"], ["delaySeconds"])).toEqual(["inputs.delaySeconds"]);
    expect(replacingKeys("aws:sqs/queue:Queue", ["inputs.tags.team"], ["*"])).toEqual(["inputs.tags.team"]);
  });

  it("replaces a network load balancer that loses a subnet, not one that gains one (customizeDiffLoadBalancerNLB)", () => {
    const lb = "aws:lb/loadBalancer:LoadBalancer";
    const nlb = (subnets: string[]) => ({ loadBalancerType: "network", subnets, securityGroups: ["sg-1"] });
    expect(conditionalReplacements(lb, nlb(["a", "b"]), nlb(["a", "b", "c"]))).toEqual([]);
    expect(conditionalReplacements(lb, nlb(["a", "b"]), nlb(["a", "c"])).map((w) => w.property)).toEqual(["subnets"]);
    // An application load balancer changes subnets in place.
    expect(conditionalReplacements(lb, { subnets: ["a"] }, { subnets: ["b"] })).toEqual([]);
    // Envelope encryption can be added to a cluster, never removed.
    expect(conditionalReplacements("aws:eks/cluster:Cluster", {}, { encryptionConfig: { resources: ["secrets"] } })).toEqual([]);
    expect(conditionalReplacements("aws:eks/cluster:Cluster", { encryptionConfig: { resources: ["secrets"] } }, {}).length).toBe(1);
  });

  it("knows EKS updates a cluster's subnets in place but refuses another VPC's", () => {
    expect(replacingKeys("aws:eks/cluster:Cluster", ["inputs.vpcConfig.subnetIds[0]"])).toEqual([]);
    expect(refusals("aws:eks/cluster:Cluster", "inputs.vpcConfig.subnetIds[1]").map((r) => r.whenFromReplaced)).toEqual(["aws:ec2/vpc:Vpc"]);
    expect(refusals("eks:index:Cluster", "inputs.vpcId").length).toBe(1);
    expect(refusals("aws:eks/cluster:Cluster", "inputs.vpcConfig.endpointPublicAccess")).toEqual([]);
  });

  it("gives the offline engine the forcing inputs' values, nested ones included, for a resource's identity", () => {
    expect(identityInputs("aws:ec2/vpc:Vpc", { cidrBlock: "10.0.0.0/16", tags: { a: "b" } })).toEqual(["10.0.0.0/16", undefined, undefined]);
    const group = identityInputs("aws:eks/nodeGroup:NodeGroup", { launchTemplate: { id: "lt-1", version: "7" }, instanceTypes: ["m6i.large"] });
    expect(group).toContain("lt-1");
    expect(group).not.toContain("7");
    expect(identityInputs("aws:example/thing:Thing", { name: "x" })).toEqual([]);
  });
});
