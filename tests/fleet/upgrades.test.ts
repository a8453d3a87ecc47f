import * as pulumi from "@pulumi/pulumi";
import { evaluateProgram } from "../../cli/engine/evaluate";
import { planStack } from "../../cli/engine/plan-stack";
import { parseFleet } from "../../fleet";
import { checkUpgradesSinceLastDeployment, KUBERNETES_VERSIONS_OUTPUT, lastDeployedVersions } from "../../fleet/last-deployment";
import { upgradeProblems, versionsInPlan } from "../../fleet/upgrades";
import { CURRENT_VERSION, fleetConfig, stackConfig, writeStackFile } from "../fixtures/fleets";
import { tempDir } from "../support/temp-dirs";
import * as path from "path";

const spec = (version: string, clusters = 2) => parseFleet({ ...fleetConfig(clusters), kubernetesVersion: version }, "us-east-1", new Date("2026-12-03T12:00:00Z"));

describe("version steps EKS accepts", () => {
  it("refuses more than one minor version up, naming the clusters, the step to take first and where the deployed version was read", () => {
    expect(upgradeProblems(spec("1.36"), { c0: "1.34", c1: "1.34" }, "at the base main")).toEqual([
      { path: "fleet.kubernetesVersion", message: "c0, c1 run 1.34 (at the base main): EKS upgrades a control plane one minor version at a time; set 1.35, deploy, then go on to 1.36" },
    ]);
  });

  it("accepts one minor version up or back (a rollback), no change, and clusters not deployed yet", () => {
    expect(upgradeProblems(spec("1.36", 3), { c0: "1.35", c1: "1.36" }, "x")).toEqual([]);
    expect(upgradeProblems(spec("1.35"), { c0: "1.36", c1: "1.36" }, "x")).toEqual([]);
  });

  it("refuses going down more than one minor version, one line per version the clusters run", () => {
    expect(upgradeProblems(spec("1.33", 3), { c0: "1.35", c1: "1.36", c2: "1.34" }, "x")).toEqual([
      { path: "fleet.kubernetesVersion", message: "c0 runs 1.35 (x): EKS cannot downgrade a control plane to 1.33; it only rolls back to the previous minor version (1.34), within 7 days of an upgrade" },
      { path: "fleet.kubernetesVersion", message: "c1 runs 1.36 (x): EKS cannot downgrade a control plane to 1.33; it only rolls back to the previous minor version (1.35), within 7 days of an upgrade" },
    ]);
  });
});

describe("where the deployed versions come from", () => {
  it("offline (npm run diff): the base plan's cluster resources, by cluster", async () => {
    const { document } = await planStack(writeStackFile(path.join(tempDir("upgrades-"), "Pulumi.test.yaml"), fleetConfig(2)));
    expect(versionsInPlan(document.resources)).toEqual({ c0: CURRENT_VERSION, c1: CURRENT_VERSION });
  });

  it("pulumi up: each run records what its clusters run as a stack output", async () => {
    const { outputs } = await evaluateProgram(stackConfig(fleetConfig(2)), "123456789012");
    expect(outputs[KUBERNETES_VERSIONS_OUTPUT]).toEqual({ c0: CURRENT_VERSION, c1: CURRENT_VERSION });
  });
});

describe("pulumi up reads its own last outputs", () => {
  let stored: Record<string, unknown>;
  const references: string[] = [];
  beforeAll(() => {
    pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          if (args.type !== "pulumi:pulumi:StackReference") return { id: `${args.name}-id`, state: args.inputs };
          references.push(args.inputs.name);
          return { id: args.inputs.name, state: { name: args.inputs.name, outputs: stored, secretOutputNames: [] } };
        },
        call: (args) => args.inputs,
      },
      "eks-fleet",
      "prod",
      false,
      "acme",
    );
  });

  it("through a StackReference to the same stack, and refuses a skipped minor version before anything deploys", async () => {
    stored = { [KUBERNETES_VERSIONS_OUTPUT]: { c0: "1.34", c1: "1.34" }, dr: {} };
    expect(await lastDeployedVersions()).toEqual({ c0: "1.34", c1: "1.34" });
    expect(references.at(-1)).toBe("acme/eks-fleet/prod");
    const refused = await checkUpgradesSinceLastDeployment(spec("1.36")).then(() => undefined, (err: unknown) => err);
    expect(refused).toBeInstanceOf(pulumi.RunError);
    expect((refused as Error).message).toBe(
      "invalid stack config:\nfleet.kubernetesVersion: c0, c1 run 1.34 (at the last deployment of this stack): EKS upgrades a control plane one minor version at a time; set 1.35, deploy, then go on to 1.36\n" +
        // No rollout state: both waves would move in this deploy.
        "fleet.rollout.waves: one deploy would move the clusters of waves canary, primary (Kubernetes 1.34 → 1.36); a change reaches one wave per deploy: promote the waves one at a time (npm run rollout -- promote), or set rollout.allowMultipleWaves for this deploy",
    );
    // One minor up is a step EKS takes; on every wave at once only when asked (else the rollout state holds the later waves).
    const asked = parseFleet({ ...fleetConfig(2), kubernetesVersion: "1.35", rollout: { allowMultipleWaves: true } }, "us-east-1", new Date("2026-12-03T12:00:00Z"));
    await expect(checkUpgradesSinceLastDeployment(asked)).resolves.toBeUndefined();
    await expect(checkUpgradesSinceLastDeployment(spec("1.35"))).rejects.toThrow("one deploy would move the clusters of waves canary, primary (Kubernetes 1.34 → 1.35)");
  });

  it("on a first deploy the stack has no outputs, and any version is created", async () => {
    stored = {};
    expect(await lastDeployedVersions()).toEqual({});
    await expect(checkUpgradesSinceLastDeployment(spec("1.36"))).resolves.toBeUndefined();
  });
});
