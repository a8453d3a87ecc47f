import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { FleetSpec, names } from "../fleet";
import { chartSource } from "./chart-versions";
import { PodIdentityAddonArgs, ServiceCreatingAddonArgs } from "./addon-args";
import { associateAddon, OWN_CLUSTER } from "./pod-identity-role";

/** `role`: the fleet-wide ExternalDNS role (`FleetAddonRoles.externalDns`). */
export interface ExternalDnsArgs extends ServiceCreatingAddonArgs, PodIdentityAddonArgs {}

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
 * The permissions of the fleet-wide ExternalDNS role: record changes in the fleet's zone only,
 * and only to the names under the calling pod's cluster's hostname, which is named by the EKS
 * cluster (`names.clusterHostname`) so that the session's `eks-cluster-name` tag spells it
 * (a policy variable in a string condition: IAM user guide, "IAM policy elements: Variables and
 * tags"). Route 53 compares `route53:ChangeResourceRecordSetsNormalizedRecordNames`, every name
 * of the batch lowercased (Route 53 developer guide, "Using IAM policy conditions for
 * fine-grained access control"); EKS names have no dot, so no cluster's names lie under another's.
 */
export function externalDnsStatements(fleet: FleetSpec): Record<string, unknown>[] {
  return [
    {
      Sid: "OwnRecordsOnly",
      Effect: "Allow",
      Action: ["route53:ChangeResourceRecordSets"],
      Resource: [`arn:aws:route53:::hostedzone/${fleet.dns.zoneId}`],
      Condition: { "ForAllValues:StringLike": { "route53:ChangeResourceRecordSetsNormalizedRecordNames": ownedRecordNames(names.clusterHostname(OWN_CLUSTER, fleet.dns.record)) } },
    },
    { Effect: "Allow", Action: ["route53:ListResourceRecordSets", "route53:ListTagsForResources"], Resource: ["arn:aws:route53:::hostedzone/*"] },
    // Listing zones has no resource-level permission in IAM.
    { Effect: "Allow", Action: ["route53:ListHostedZones"], Resource: ["*"] },
  ];
}

/**
 * ExternalDNS in one cluster, for the hostnames your apps annotate under the cluster's hostname
 * `<fleet>-<cluster>.<record>` (that name itself is an alias of the cluster's NLB, owned by the
 * program). Record changes are allowed on the fleet's zone only and for this cluster's own names
 * only (`externalDnsStatements`), and the TXT owner is the cluster name, so clusters never
 * overwrite each other's records, the program's hostname or the fleet record.
 */
export class ExternalDns extends pulumi.ComponentResource {
  constructor(name: string, args: ExternalDnsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:dns:ExternalDns", name, {}, opts);
    const { fleet, cluster } = args;
    const agent = names.AGENTS.externalDns;
    // EKS Pod Identity: ExternalDNS 0.21 (chart 1.21.1) documents it (kubernetes-sigs/external-dns
    // docs/tutorials/aws.md, "EKS Pod Identity Associations"; aws-sdk-go-v2 config 1.32 in go.mod).
    const association = associateAddon(`${name}-pod-identity`, "externalDns", args, { parent: this });

    new k8s.helm.v3.Release(`${name}-release`, {
      name: "external-dns",
      ...chartSource("externalDns"),
      namespace: agent.namespace,
      createNamespace: true,
      values: {
        provider: { name: "aws" },
        env: [{ name: "AWS_DEFAULT_REGION", value: fleet.homeRegion }],
        serviceAccount: { name: agent.serviceAccount },
        sources: ["service", "ingress"],
        domainFilters: [fleet.dns.zone],
        registry: "txt",
        txtOwnerId: cluster.name,
        // Never deletes records it did not write in this run: a bad render cannot wipe DNS.
        policy: "upsert-only",
        extraArgs: ["--aws-zone-type=public"],
      },
    }, { parent: this, provider: args.kubernetesProvider, dependsOn: [args.serviceWebhook, association] });
    this.registerOutputs({});
  }
}
