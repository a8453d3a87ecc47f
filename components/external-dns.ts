import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { names } from "../fleet";
import { chartSource } from "./chart-versions";
import { agentIdentity, IrsaRole } from "./irsa-role";
import { ServiceCreatingAddonArgs } from "./addon-args";

export interface ExternalDnsArgs extends ServiceCreatingAddonArgs {
  readonly zoneId: pulumi.Input<string>;
}

/** Record types ExternalDNS writes for a load balancer Service (alias A/AAAA) or a hostname target. */
const RECORD_TYPES = ["a", "aaaa", "cname"];

/**
 * The only names this cluster's ExternalDNS may change: names under the cluster's hostname,
 * and the TXT ownership records the registry writes for them (the hostname itself is the
 * program's alias of the cluster's NLB). Since v0.21 (chart 1.21.1) a TXT
 * record is named `<type>-<first label>.<rest>` (kubernetes-sigs/external-dns
 * registry/mapper/mapper.go `ToTXTName`, no txt-prefix/suffix). The fleet record `<record>`
 * and its `standby.` set belong to the Route 53 failover records and match none of these.
 */
export function ownedRecordNames(hostname: string): string[] {
  return [`*.${hostname}`, ...RECORD_TYPES.map((type) => `${type}-*.${hostname}`)];
}

/**
 * ExternalDNS in one cluster, for the hostnames your apps annotate under `<cluster>.<record>`
 * (that name itself is an alias of the cluster's NLB, owned by the program). Record changes
 * are allowed on the fleet's zone only and for this cluster's own names only
 * (`ownedRecordNames`), and the TXT owner is the cluster name, so clusters never overwrite
 * each other's records, the program's `<cluster>.<record>` or the fleet record.
 */
export class ExternalDns extends pulumi.ComponentResource {
  constructor(name: string, args: ExternalDnsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:dns:ExternalDns", name, {}, opts);
    const { fleet, cluster } = args;
    const agent = names.AGENTS.externalDns;
    // IRSA, not EKS Pod Identity: ExternalDNS supports it (kubernetes-sigs/external-dns go.mod,
    // aws-sdk-go-v2), but its record names are under the cluster's short name (`<cluster>.<record>`),
    // which no session tag carries, so one fleet-wide role could not keep clusters off each other's names.
    const role = new IrsaRole(`${name}-irsa`, {
      ...agentIdentity(fleet, cluster, "externalDns"),
      oidcProviderArn: args.oidcProviderArn,
      oidcIssuer: args.oidcIssuer,
      statements: [
        {
          Sid: "OwnRecordsOnly",
          Effect: "Allow",
          Action: ["route53:ChangeResourceRecordSets"],
          Resource: [pulumi.interpolate`arn:aws:route53:::hostedzone/${args.zoneId}`],
          Condition: { "ForAllValues:StringLike": { "route53:ChangeResourceRecordSetsNormalizedRecordNames": ownedRecordNames(cluster.hostname) } },
        },
        { Effect: "Allow", Action: ["route53:ListResourceRecordSets", "route53:ListTagsForResources"], Resource: ["arn:aws:route53:::hostedzone/*"] },
        // Listing zones has no resource-level permission in IAM.
        { Effect: "Allow", Action: ["route53:ListHostedZones"], Resource: ["*"] },
      ],
    }, { parent: this });

    new k8s.helm.v3.Release(`${name}-release`, {
      name: "external-dns",
      ...chartSource("externalDns"),
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
    }, { parent: this, provider: args.kubernetesProvider, dependsOn: [args.serviceWebhook] });
    this.registerOutputs({});
  }
}
