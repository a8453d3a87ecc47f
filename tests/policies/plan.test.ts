import * as path from "path";
import { planStack } from "../../cli/engine/plan-stack";
import { fleetConfig, writeStackFile } from "../fixtures/fleets";
import { tempDir } from "../support/temp-dirs";

function stackFile(fleet: Record<string, unknown>): string {
  const file = path.join(tempDir("stack-"), "Pulumi.test.yaml");
  return writeStackFile(file, fleet);
}

describe("npm run plan runs the policies", () => {
  it("the prod stack passes every rule", async () => {
    const { document } = await planStack(path.resolve(__dirname, "../../Pulumi.prod.yaml"));
    expect(document.violations).toEqual([]);
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
