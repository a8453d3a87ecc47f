import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSpec, FleetSpec, names } from "../fleet";
import { CHARTS } from "./chart-versions";
import { IrsaRole } from "./irsa-role";
import { clusterTags } from "./tags";

export interface ExternalDnsArgs {
  readonly fleet: FleetSpec;
  readonly cluster: ClusterSpec;
  readonly oidcProviderArn: pulumi.Input<string>;
  readonly oidcIssuer: pulumi.Input<string>;
  readonly zoneId: pulumi.Input<string>;
  readonly kubernetesProvider: k8s.Provider;
}

/**
 * ExternalDNS in one cluster: writes `<cluster>.<record>` for the rendered ingress
 * Service. Record changes are allowed on the fleet's zone only, and the TXT owner is
 * the cluster name, so clusters never overwrite each other's records.
 */
export class ExternalDns extends pulumi.ComponentResource {
  constructor(name: string, args: ExternalDnsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:dns:ExternalDns", name, {}, opts);
    const { fleet, cluster } = args;
    const agent = names.AGENTS.externalDns;
    const role = new IrsaRole(`${name}-irsa`, {
      roleName: names.agentRoleName(fleet.name, cluster.name, agent.role),
      oidcProviderArn: args.oidcProviderArn,
      oidcIssuer: args.oidcIssuer,
      namespace: agent.namespace,
      serviceAccount: agent.serviceAccount,
      statements: [
        { Effect: "Allow", Action: ["route53:ChangeResourceRecordSets"], Resource: [pulumi.interpolate`arn:aws:route53:::hostedzone/${args.zoneId}`] },
        { Effect: "Allow", Action: ["route53:ListResourceRecordSets", "route53:ListTagsForResources"], Resource: ["arn:aws:route53:::hostedzone/*"] },
        // Listing zones has no resource-level permission in IAM.
        { Effect: "Allow", Action: ["route53:ListHostedZones"], Resource: ["*"] },
      ],
      tags: clusterTags(fleet, cluster),
    }, { parent: this });

    new k8s.helm.v3.Release(`${name}-release`, {
      name: "external-dns",
      chart: CHARTS.externalDns.chart,
      version: CHARTS.externalDns.version,
      repositoryOpts: { repo: CHARTS.externalDns.repo },
      namespace: agent.namespace,
      createNamespace: true,
      values: {
        provider: { name: "aws" },
        env: [{ name: "AWS_DEFAULT_REGION", value: fleet.homeRegion }],
        serviceAccount: { name: agent.serviceAccount, annotations: { "eks.amazonaws.com/role-arn": role.arn } },
        sources: ["service", "ingress"],
        domainFilters: [fleet.dns.zone],
        registry: "txt",
        txtOwnerId: cluster.name,
        // Never deletes records it did not write in this run: a bad render cannot wipe DNS.
        policy: "upsert-only",
        extraArgs: ["--aws-zone-type=public"],
      },
    }, { parent: this, provider: args.kubernetesProvider });
    this.registerOutputs({});
  }
}
