import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { FleetSpec } from "../fleet";
import { RegionalCluster } from "./regional-cluster";

export interface FleetArgs {
  readonly spec: FleetSpec;
}

/**
 * The whole fleet: one AWS provider per region (clusters sharing a region share it) and
 * one `RegionalCluster` per cluster of the spec.
 */
export class Fleet extends pulumi.ComponentResource {
  public readonly spec: FleetSpec;
  public readonly clusters: RegionalCluster[];
  public readonly providers: ReadonlyMap<string, aws.Provider>;

  constructor(name: string, args: FleetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:index:Fleet", name, {}, opts);
    const { spec } = args;
    this.spec = spec;
    const allRegions = [...new Set([spec.homeRegion, ...spec.regions])];
    this.providers = new Map(
      allRegions.map((region) => [region, new aws.Provider(`aws-${region}`, {
        region: region as aws.Region,
        defaultTags: { tags: { "eks-fleet/fleet": spec.name, "eks-fleet/managed-by": "pulumi" } },
      }, { parent: this })]),
    );
    this.clusters = spec.clusters.map(
      (cluster) => new RegionalCluster(cluster.name, { fleet: spec, cluster }, { parent: this, providers: { aws: this.providers.get(cluster.region)! } }),
    );
    this.registerOutputs({ clusters: this.clusters.map((c) => c.clusterName) });
  }
}
