import * as path from "path";
import { main } from "../../cli/roles";
import { fleetConfig, writeStackFile } from "../fixtures/fleets";
import { tempDir } from "../support/temp-dirs";

/** What `npm run roles` prints for a stack file. */
async function printed(file: string): Promise<string> {
  const lines: string[] = [];
  const log = jest.spyOn(console, "log").mockImplementation((...args: unknown[]) => void lines.push(args.join(" ")));
  try {
    expect(await main(["--config", file])).toBe(0);
  } finally {
    log.mockRestore();
  }
  return lines.join("\n");
}

describe("npm run roles", () => {
  it("prints the stack file's deploy and preview roles as $GITHUB_OUTPUT lines", async () => {
    const preview = "arn:aws:iam::123456789012:role/eks-fleet-preview";
    const fleet = fleetConfig(2, { previewRoleArn: preview });
    const file = writeStackFile(path.join(tempDir("eks-fleet-roles-"), "Pulumi.test.yaml"), fleet);
    expect(await printed(file)).toBe(`deploy=${fleet.deployRoleArn}\npreview=${preview}`);
  });

  it("prints an empty preview role when the stack names none, so the workflows skip what needs it", async () => {
    const file = writeStackFile(path.join(tempDir("eks-fleet-roles-"), "Pulumi.test.yaml"), fleetConfig(2));
    expect(await printed(file)).toMatch(/\npreview=$/);
  });
});
