import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { FleetSpec } from "../fleet";

export interface GatewayCertificatesArgs {
  readonly fleet: FleetSpec;
  /** The public hosted zone of `dns.zone`, where the validation record goes. */
  readonly zoneId: pulumi.Input<string>;
  /** One AWS provider per fleet region: ACM certificates are regional and an NLB uses one from its own region. */
  readonly providers: ReadonlyMap<string, aws.Provider>;
}

/**
 * The TLS certificate of every cluster's load balancer: one ACM certificate per fleet
 * region for `*.<record>` and `<record>`, so it covers each cluster's `<fleet>-<cluster>.<record>`
 * (what Route 53 health-checks over HTTPS) and the fleet record clients use.
 *
 * DNS-validated through a single record: ACM issues the same validation CNAME for the same
 * names in one account, in every region, and the wildcard shares it with its apex (ACM User
 * Guide, "DNS validation": the token works for any Region; hashicorp/terraform-provider-aws#13653).
 * The record stays, so ACM renews every certificate on its own.
 *
 * Requested, not waited for: ACM validates in minutes once the record exists, and only a
 * listener needs the certificate issued (ELB refuses one pending validation with
 * UnsupportedCertificate), so the wait for it is the listener's (ClusterLoadBalancer), in
 * the cluster's stack beside its control plane, not in the fleet stack every cluster waits for.
 */
export class GatewayCertificates extends pulumi.ComponentResource {
  /** Requested certificate ARN per region, issued within minutes of this component's deploy. */
  public readonly arns: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: GatewayCertificatesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:ingress:GatewayCertificates", name, {}, opts);
    const { fleet, zoneId, providers } = args;
    const { record } = fleet.dns;
    const inRegion = (region: string) => ({ parent: this, provider: providers.get(region)! });

    const certificates = fleet.regions.map((region) => ({
      region,
      certificate: new aws.acm.Certificate(`${name}-${region}`, {
        domainName: `*.${record}`,
        subjectAlternativeNames: [record],
        validationMethod: "DNS",
        // A tag value takes no '*' (ACM API Reference, Tag): the certificate is named by the record it serves.
        tags: { "eks-fleet/fleet": fleet.name, Name: record },
      }, inRegion(region)),
    }));

    const challenge = certificates[0].certificate.domainValidationOptions[0];
    new aws.route53.Record(`${name}-validation`, {
      zoneId,
      name: challenge.resourceRecordName,
      type: challenge.resourceRecordType,
      records: [challenge.resourceRecordValue],
      ttl: 300,
    }, { parent: this });

    // A waiter needs no edge to the record: it polls ACM until the certificate is issued, which
    // happens once the record exists (a cluster stack reads the ARN after this stack's update).
    for (const { region, certificate } of certificates) this.arns[region] = certificate.arn;
    this.registerOutputs({ arns: this.arns });
  }
}
