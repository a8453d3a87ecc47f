import * as pulumi from "@pulumi/pulumi";
import { FleetConfigError } from "./errors";
import { FleetSpec } from "./spec";
import { DeployedVersions, multiWaveProblems, upgradeProblems } from "./upgrades";

// Not in the fleet index: like pulumi-config.ts, this side needs the Pulumi SDK.

/** The stack output recording what each cluster runs once a `pulumi up` got through its control plane. */
export const KUBERNETES_VERSIONS_OUTPUT = "kubernetesVersions";

/**
 * What each cluster ran after the last `pulumi up` of this very stack: its own
 * `kubernetesVersions` output, read back through a StackReference to itself. The engine keeps
 * the stack's previous outputs until this run registers new ones at its end (pulumi/pulumi
 * pkg/resource/deploy/step.go, SameStep keeps the old outputs), and a stack that was never
 * deployed has no outputs at all (pkg/backend backendClient.GetStackOutputs: no root resource,
 * an empty map), so a first deploy has nothing to check against.
 */
export async function lastDeployedVersions(): Promise<DeployedVersions> {
  const self = new pulumi.StackReference("last-deployment", { name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}` });
  const recorded = await self.getOutputValue(KUBERNETES_VERSIONS_OUTPUT);
  if (!recorded || typeof recorded !== "object") return {};
  return Object.fromEntries(Object.entries(recorded as Record<string, unknown>).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}

/** Under `pulumi up/preview`: a version change EKS would refuse half-way is a `RunError` before anything deploys. */
export async function checkUpgradesSinceLastDeployment(spec: FleetSpec): Promise<void> {
  const deployed = await lastDeployedVersions();
  const problems = [...upgradeProblems(spec, deployed, "at the last deployment of this stack"), ...multiWaveProblems(spec, deployed)];
  if (problems.length > 0) throw new pulumi.RunError(`invalid stack config:\n${new FleetConfigError(problems).message}`);
}
