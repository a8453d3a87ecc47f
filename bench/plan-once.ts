import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { synthTree } from "../charts";
import { planStack } from "../cli/engine/plan-stack";
import { stableJson, writeFileAtomic } from "../cli/write";
import { fleetConfig } from "../tests/fixtures/fleets";

/**
 * One benchmark sample, in a process of its own so start-up counts: plans a generated
 * fleet of `size` clusters (resources, policies and the GitOps tree, as `npm run plan`) and reports the in-process time and peak memory as JSON.
 */
async function main(size: number): Promise<void> {
  const started = performance.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-fleet-bench-"));
  try {
    const file = path.join(dir, `Pulumi.bench${size}.yaml`);
    fs.writeFileSync(file, YAML.stringify({ config: { "aws:region": "us-east-1", "eks-fleet:fleet": fleetConfig(size) } }));
    const { spec, document } = await planStack(file);
    synthTree(spec, path.join(dir, "out", "gitops"), { root: "out/gitops" });
    writeFileAtomic(path.join(dir, "out", "plan.json"), stableJson(document));
    const result = {
      size,
      resources: document.resources.length,
      planMs: Math.round(performance.now() - started),
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main(Number(process.argv[2]));
