import * as fs from "fs";
import * as path from "path";
import { LocalWorkspace, PreviewOptions, Stack } from "@pulumi/pulumi/automation";
import { main as deploy } from "../../cli/deploy";
import { policyConfigOf } from "../../cli/policy-run";
import { fleetStacks } from "../../deploy/stacks";
import { fleetFromStackFile } from "../../fleet";
import { fleetConfig, writeStackFile } from "../fixtures/fleets";
import { tempDir } from "../support/temp-dirs";

/**
 * `npm run deploy --preview` through the Automation API adapter, with the API's stack replaced
 * by one that records the options each preview gets (the Pulumi CLI is not run): every stack's
 * CrossGuard run must get the policy pack and its own pack config.
 */
describe("npm run deploy hands each stack its own pack config", () => {
  afterEach(() => jest.restoreAllMocks());

  it("per-cluster: the config a stack's preview gets is the one the offline plan derives for that stack", async () => {
    const file = writeStackFile(path.join(tempDir("deploy-"), "Pulumi.prod.yaml"), fleetConfig(2, { stacks: "per-cluster", policy: { maxMonthlyUsd: 5000 } }));
    const seen = new Map<string, { packs?: string[]; config: unknown }>();
    // A fleet no stack of which holds resources yet (`pulumi stack ls`).
    jest.spyOn(LocalWorkspace, "create").mockResolvedValue({ listStacks: async () => [] } as unknown as LocalWorkspace);
    jest.spyOn(LocalWorkspace, "createOrSelectStack").mockImplementation(async (args) => {
      const name = (args as { stackName: string }).stackName;
      return {
        preview: async (options?: PreviewOptions) => {
          // Read while the run lasts: the folder is the command's own and gone after it.
          seen.set(name, { packs: options?.policyPacks, config: JSON.parse(fs.readFileSync(options!.policyPackConfigs![0], "utf8")) });
          return { changeSummary: { same: 1 } };
        },
      } as unknown as Stack;
    });
    jest.spyOn(console, "log").mockImplementation(() => undefined);
    jest.spyOn(console, "error").mockImplementation(() => undefined);
    jest.spyOn(process.stdout, "write").mockImplementation(() => true);

    expect(await deploy(["--config", file, "--preview"])).toBe(0);
    const { spec, config } = fleetFromStackFile(file);
    expect([...seen.keys()].sort()).toEqual(fleetStacks(spec, "prod").map((s) => s.name).sort());
    const fleetWide = JSON.parse(JSON.stringify(policyConfigOf(config, spec)));
    for (const { packs, config: given } of seen.values()) {
      expect(packs).toEqual([path.join(path.dirname(file), "policies")]);
      expect(given).toEqual({ ...fleetWide, "monthly-cost-cap": { maxMonthlyUsd: expect.any(Number), fleetMaxMonthlyUsd: 5000 } });
    }
    // Each stack gets its share of the cap: together no more than the fleet's.
    const shares = [...seen.values()].map(({ config: given }) => (given as any)["monthly-cost-cap"].maxMonthlyUsd as number);
    expect(shares.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(5000);
  });
});
