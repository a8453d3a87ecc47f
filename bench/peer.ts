import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { exitReport, PEAK_RSS } from "./exit-report";

/**
 * The peer: EKS Blueprints for CDK synthesizing the same fleet. Installed once from the npm
 * registry into a scratch folder outside the repository (never into the project).
 */
export const PEER_PACKAGES = ["@aws-quickstart/eks-blueprints@1.19.0", "aws-cdk-lib@2.261.0", "constructs@10.8.1"];
const PEER_DIR = path.join(os.tmpdir(), `eks-fleet-bench-peer-${PEER_PACKAGES.join("+").replace(/[@/]/g, "_")}`);

/** The peer's folder, installing it on first use, or why it cannot be used. */
export function ensurePeer(): { dir: string } | { skipped: string } {
  const marker = path.join(PEER_DIR, "node_modules", "@aws-quickstart", "eks-blueprints", "package.json");
  if (!fs.existsSync(marker)) {
    fs.mkdirSync(PEER_DIR, { recursive: true });
    fs.writeFileSync(path.join(PEER_DIR, "package.json"), `${JSON.stringify({ name: "eks-fleet-bench-peer", private: true })}\n`);
    // --legacy-peer-deps: the blueprints' peer `aws-cdk` is the CDK CLI, which `node app.js` does not use.
    const install = spawnSync("npm", ["install", "--no-save", "--ignore-scripts", "--legacy-peer-deps", "--no-audit", "--no-fund", ...PEER_PACKAGES], {
      cwd: PEER_DIR,
      encoding: "utf8",
    });
    if (install.status !== 0 || !fs.existsSync(marker)) {
      const reason = (install.stderr || install.error?.message || "").split("\n").find((l) => /ERR!|error/i.test(l)) ?? `exit ${install.status}`;
      return { skipped: `peer comparison skipped: cannot install ${PEER_PACKAGES.join(" ")} (${reason.trim()})` };
    }
  }
  fs.writeFileSync(path.join(PEER_DIR, "app.js"), PEER_APP);
  return { dir: PEER_DIR };
}

/** Wall time, CPU time and peak memory of one `node app.js` synth of `size` clusters. */
export function runPeer(dir: string, size: number): { wallMs: number; cpuMs: number; peakRssMiB: number } {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "eks-fleet-bench-cdk-out-"));
  try {
    const started = performance.now();
    const run = spawnSync(process.execPath, ["-r", PEAK_RSS, "app.js"], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, CDK_OUTDIR: out, FLEET_SIZE: String(size) },
    });
    const wallMs = Math.round(performance.now() - started);
    if (run.status !== 0) throw new Error(`peer synth of ${size} clusters failed:\n${run.stderr}`);
    const templates = fs.readdirSync(out).filter((f) => f.endsWith(".template.json")).length;
    if (templates < size) throw new Error(`peer synth of ${size} clusters wrote ${templates} stacks`);
    return { wallMs, ...exitReport(run.stderr) };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

/**
 * The fleet bench/run.ts plans (tests/fixtures/fleets.ts `fleetConfig`) as a blueprint: one EKS cluster per entry in its region
 * (same round-robin regions, version and node group), with the same add-ons: Flux pointed at
 * the cluster's path of the same repository, External Secrets, Velero, the AWS Load Balancer
 * Controller and ExternalDNS on the fleet's hosted zone. Synthesized to CloudFormation.
 */
const PEER_APP = `const cdk = require("aws-cdk-lib");
const eks = require("aws-cdk-lib/aws-eks");
const ec2 = require("aws-cdk-lib/aws-ec2");
const blueprints = require("@aws-quickstart/eks-blueprints");

const REGIONS = ${JSON.stringify(["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1", "ap-northeast-1", "us-east-2", "ca-central-1", "eu-north-1", "ap-south-1"])};
const size = Number(process.env.FLEET_SIZE);
const app = new cdk.App({ outdir: process.env.CDK_OUTDIR });
for (let i = 0; i < size; i++) {
  const name = "c" + i;
  blueprints.EksBlueprint.builder()
    .account("123456789012")
    .region(REGIONS[i % REGIONS.length])
    .version(eks.KubernetesVersion.of("1.33"))
    .resourceProvider(blueprints.GlobalResources.HostedZone, new blueprints.ImportHostedZoneProvider("Z0123456789ABCDEFGHIJ", "example.com"))
    .clusterProvider(new blueprints.MngClusterProvider({ version: eks.KubernetesVersion.of("1.33"), instanceTypes: [new ec2.InstanceType("m6i.large")], minSize: 2, desiredSize: 3, maxSize: 6 }))
    .addOns(
      new blueprints.addons.FluxCDAddOn({
        repositories: [{ name: "platform", namespace: "flux-system", values: {}, repository: { repoUrl: "https://github.com/acme/platform.git", targetRevision: "main", path: "gitops/clusters/" + name }, kustomizations: [{ kustomizationPath: "gitops/clusters/" + name }] }],
      }),
      new blueprints.addons.ExternalsSecretsAddOn(),
      new blueprints.addons.VeleroAddOn(),
      new blueprints.addons.AwsLoadBalancerControllerAddOn(),
      new blueprints.addons.ExternalDnsAddOn({ hostedZoneResources: [blueprints.GlobalResources.HostedZone] }),
    )
    .build(app, name);
}
app.synth();
`;
