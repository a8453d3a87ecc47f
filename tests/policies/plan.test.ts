import * as path from "path";
import { planStack } from "../../cli/engine/plan-stack";
import { EKS_VERSIONS, supportPhase } from "../../fleet/versions";
import { fleetConfig, writeStackFile } from "../fixtures/fleets";
import { tempDir } from "../support/temp-dirs";

function stackFile(fleet: Record<string, unknown>): string {
  const file = path.join(tempDir("stack-"), "Pulumi.test.yaml");
  return writeStackFile(file, fleet);
}

describe("npm run plan runs the policies", () => {
  it("the prod stack passes every rule (the calendar's reminder aside: in its last 60 days of standard support, upgrade prod)", async () => {
    const { document } = await planStack(path.resolve(__dirname, "../../Pulumi.prod.yaml"));
    expect(document.violations.filter((v) => v.policy !== "eks-version-support-ending")).toEqual([]);
  });

  it("fails a fleet on a version out of EKS standard support, on every cluster", async () => {
    const aged = EKS_VERSIONS.filter((v) => supportPhase(v.version, new Date()) === "extended").at(-1)!.version;
    const { document } = await planStack(stackFile(fleetConfig(2, { kubernetesVersion: aged })));
    expect(document.violations).toEqual([
      expect.objectContaining({ policy: "eks-version-standard-support", enforcement: "mandatory", urn: expect.stringMatching(/::c0-eks$/), message: expect.stringContaining(`Kubernetes ${aged} left EKS standard support`) }),
      expect.objectContaining({ policy: "eks-version-standard-support", enforcement: "mandatory", urn: expect.stringMatching(/::c1-eks$/) }),
    ]);
  });

  it("records violations in plan.json, with the pack config taken from the fleet's policy key", async () => {
    const { document } = await planStack(stackFile(fleetConfig(2, { policy: { allowedRegions: ["us-east-1"] } })));
    expect(document.violations).toEqual([
      // c0's backups replicate to c1 in us-west-2, where S3 publishes the rule's metrics and its alarm lives.
      expect.objectContaining({ policy: "regions-allowed", enforcement: "mandatory", file: null, urn: expect.stringMatching(/metricAlarm:MetricAlarm::c0-backup-replication-latency$/) }),
      expect.objectContaining({ policy: "regions-allowed", enforcement: "mandatory", file: null, urn: expect.stringMatching(/pulumi:providers:aws::aws-us-west-2$/) }),
      // The fleet's secrets replicate to every cluster region, so the replica is flagged too.
      expect.objectContaining({ policy: "regions-allowed", enforcement: "mandatory", file: null, urn: expect.stringMatching(/secretsmanager\/secret:Secret::secrets-payments-db-credentials$/) }),
      expect.objectContaining({ policy: "regions-allowed", enforcement: "mandatory", file: null, urn: expect.stringMatching(/secretsmanager\/secret:Secret::secrets-repository-password$/) }),
    ]);
  });
});
