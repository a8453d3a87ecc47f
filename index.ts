import * as pulumi from "@pulumi/pulumi";
import { Fleet } from "./components/fleet";
import { ACCELERATOR_OUTPUT, CLUSTER_OUTPUT, ClusterValues, FLEET_WIDE_OUTPUT, HUB_NAT_ADDRESSES_OUTPUT, LINKS_OUTPUT } from "./components/stack-inputs";
import { resolveStack } from "./deploy/stacks";
import { checkUpgradesSinceLastDeployment, KUBERNETES_VERSIONS_OUTPUT } from "./fleet/last-deployment";
import { fleetFromPulumiConfig } from "./fleet/pulumi-config";
import { readRolloutState, treeDirOf, withClusterReleases } from "./fleet/rollout-state";

/**
 * The whole program. Pulumi calls the exported function and publishes what it returns
 * as stack outputs; `npm run plan` calls the very same function under the mock engine.
 * Run as one stack of a per-cluster fleet (deploy/stacks.ts), it builds that stack's part.
 */
export = async function fleetProgram() {
  // Each cluster at the version its wave was promoted to (the tree's rollout.json): an upgrade reaches one wave per deploy.
  const configured = fleetFromPulumiConfig();
  const spec = withClusterReleases(configured, readRolloutState(treeDirOf(configured)));
  const resolved = resolveStack(spec, pulumi.getStack());
  if (!resolved) throw new pulumi.RunError(`stack ${pulumi.getStack()} is none of this fleet's stacks (fleet.stacks: ${spec.stacks}; README, "Stacks")`);
  const { stack, fleetStack } = resolved;
  if (stack.kind === "single" || stack.kind === "cluster") await checkUpgradesSinceLastDeployment(spec);
  const fleet = await Fleet.create(spec.name, { spec, stack, fleetStack });
  // What the other stacks read (components/stack-inputs.ts): values AWS assigns, nothing the fleet computes.
  const published = {
    ...(stack.kind === "fleet" && fleet.fleetWide ? { [FLEET_WIDE_OUTPUT]: fleet.fleetWide } : {}),
    ...(stack.kind === "addresses" && fleet.hubNatAddresses ? { [HUB_NAT_ADDRESSES_OUTPUT]: fleet.hubNatAddresses } : {}),
    ...(stack.kind === "fleet" && fleet.accelerator ? { [ACCELERATOR_OUTPUT]: { listenerArn: fleet.accelerator.listenerArn, dnsName: fleet.accelerator.dnsName } } : {}),
    ...(stack.kind === "cluster" ? { [CLUSTER_OUTPUT]: clusterValues(fleet, stack.cluster!) } : {}),
    ...(stack.kind === "links" && fleet.accelerator ? { [LINKS_OUTPUT]: { endpointGroupArn: fleet.accelerator.endpointGroupArns[stack.region!] } } : {}),
  };
  return {
    ...published,
    clusters: fleet.clusters.map((c) => ({
      name: c.spec.name,
      region: c.spec.region,
      role: c.spec.role,
      eksClusterName: c.clusterName,
      endpoint: c.endpoint,
      hostname: c.spec.hostname,
      loadBalancerDnsName: fleet.loadBalancers.get(c.spec.name)!.dnsName,
    })),
    globalAccelerator: fleet.accelerator?.dnsName ? { dnsName: fleet.accelerator.dnsName, ipAddresses: fleet.accelerator.ipAddresses } : undefined,
    kubeconfigs: Object.fromEntries(fleet.clusters.map((c) => [c.spec.name, c.kubeconfig])),
    dr: spec.dr,
    // What the rollout gates read of each cluster's health (operations/rollout/live-source.ts):
    // every check and target group, whatever the roles, which Git decides. A per-cluster fleet
    // publishes each cluster's in its own stack.
    healthSignals: Object.fromEntries(fleet.clusters.map((c) => {
      const lb = fleet.loadBalancers.get(c.spec.name)!;
      const checks = fleet.dns && !spec.dns.globalAccelerator ? { healthChecks: { serving: fleet.dns.healthCheckIds[c.spec.name], takeover: fleet.dns.takeoverCheckIds[c.spec.name] } } : {};
      return [c.spec.name, { ...checks, loadBalancer: lb.arn, gatewayTargetGroup: lb.targetGroupArn, servingTargetGroup: lb.servingTargetGroupArn }];
    })),
    // Read back by the next run (fleet/last-deployment.ts). Each entry waits for its control
    // plane: a run that fails before the control planes are through keeps the previous record.
    [KUBERNETES_VERSIONS_OUTPUT]: Object.fromEntries(fleet.clusters.map((c) => [c.spec.name, c.endpoint.apply(() => c.spec.kubernetesVersion)])),
  };
};

/**
 * A cluster stack's values the replication and links stacks name: its bucket and key, its load balancer, its API
 * server (an Argo CD cluster Secret's endpoint and CA). An Argo CD hub's NAT addresses, which its
 * spokes' endpoints admit, are its region's addresses stack's (components/hub-nat-addresses.ts).
 */
function clusterValues(fleet: Fleet, cluster: string): ClusterValues {
  const storage = fleet.storage.get(cluster)!;
  const built = fleet.clusters.find((c) => c.spec.name === cluster)!;
  return {
    backup: { bucketName: storage.bucketName, bucketArn: storage.bucketArn, keyArn: storage.keyArn },
    loadBalancerArn: fleet.loadBalancers.get(cluster)!.arn,
    endpoint: built.endpoint,
    certificateAuthority: built.certificateAuthority,
    vpcId: built.vpcId,
  };
}
