import { createHash } from "crypto";
import { identityInputs } from "../diff/replacement";

/**
 * Plausible outputs for the resources the fleet creates, derived only from names, regions,
 * the account ID and the inputs that force a replacement, so every run of the offline plan
 * is byte-identical, later add-ons see realistic ARNs, OIDC issuers and kubeconfigs, and a
 * replaced resource gets a new identity that reaches whatever reads it.
 */
export interface MockContext {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
  readonly region: string;
  readonly accountId: string;
  /** The resource options that make the engine replace a resource besides its provider. */
  readonly options?: ReplaceOptions;
  /**
   * The outputs of stacks planned earlier in this run, by stack name: what a StackReference to
   * one of them reads (a per-cluster fleet's stacks, planned in deploy order). @default none
   */
  readonly stackOutputs?: ReadonlyMap<string, Record<string, unknown>>;
}

/** `replaceOnChanges`, `replacementTrigger` and `replaceWith` (the IDs of those resources), as registered. */
export interface ReplaceOptions {
  readonly replaceOnChanges?: readonly string[];
  readonly replacementTrigger?: unknown;
  readonly replaceWith?: readonly string[];
}

export function hash(text: string, length = 8): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/**
 * What a resource's generated identity is derived from: where it is, its name, and every input
 * whose change replaces it (cli/diff/replacement.ts, plus the resource's own replacement options).
 * A real `pulumi up` gives a replaced resource a new ID, new generated names and ARNs; here the
 * same inputs give the same identity, and a change of any of them a new one.
 */
export function identitySeed(ctx: MockContext): string {
  const { type, name, inputs, region, options = {} } = ctx;
  const forcing = [identityInputs(type, inputs, options.replaceOnChanges), options.replacementTrigger, options.replaceWith];
  return `${region}/${name}/${hash(stableJson(forcing), 16)}`;
}

/** JSON with sorted keys; anything that is not plain data stands for itself by its URN or class. */
function stableJson(value: unknown): string {
  if (value === undefined) return "null";
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return JSON.stringify(String((value as { urn?: unknown }).urn ?? proto?.constructor?.name));
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record).sort().map((k) => `${JSON.stringify(k)}:${stableJson(record[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * What a new launch template version is made of: every input but its name, tags and version
 * pointers (hashicorp/terraform-provider-aws internal/service/ec2/ec2_launch_template.go,
 * resourceLaunchTemplateUpdate: a change of any template data or the description creates a version).
 */
const NOT_VERSIONED = new Set(["name", "namePrefix", "tags", "tagsAll", "defaultVersion", "updateDefaultVersion", "region"]);

/**
 * The template's `latestVersion`: a number that changes whenever its content does, so a node
 * group that follows it updates (rolls its nodes) exactly when a real deploy would. It is not
 * monotonic: offline there is no history to count from.
 */
function launchTemplateVersion(inputs: Record<string, unknown>): number {
  const content = Object.fromEntries(Object.entries(inputs).filter(([k]) => !NOT_VERSIONED.has(k)));
  return parseInt(hash(stableJson(content), 6), 16) + 1;
}

const ID_PREFIXES: Record<string, string> = {
  "aws:ec2/vpc:Vpc": "vpc",
  "aws:ec2/subnet:Subnet": "subnet",
  "aws:ec2/internetGateway:InternetGateway": "igw",
  "aws:ec2/routeTable:RouteTable": "rtb",
  "aws:ec2/eip:Eip": "eipalloc",
  "aws:ec2/natGateway:NatGateway": "nat",
  "aws:ec2/launchTemplate:LaunchTemplate": "lt",
  "aws:ec2/securityGroup:SecurityGroup": "sg",
  "aws:route53/healthCheck:HealthCheck": "hc",
};

export function mockState(ctx: MockContext): { id: string; state: Record<string, unknown> } {
  const { type, name, inputs, region, accountId } = ctx;
  const seed = identitySeed(ctx);
  // Pulumi auto-names add a random 7-character suffix, drawn anew for a replacement; ours comes from the identity.
  const autoName = (base: string) => `${base}-${hash(seed, 7)}`;
  const state: Record<string, unknown> = { ...inputs };
  const prefix = ID_PREFIXES[type];
  let id = prefix ? `${prefix}-${hash(seed, 17)}` : `${name}-${hash(seed, 8)}`;

  switch (type) {
    case "pulumi:providers:aws":
      // Children carry `urn::id` of their provider: the id tells the region without a lookup.
      id = String(inputs.region ?? region);
      break;
    case "aws:iam/role:Role":
    case "aws:iam/policy:Policy": {
      const roleName = inputs.name ?? autoName(name);
      const kind = type === "aws:iam/role:Role" ? "role" : "policy";
      Object.assign(state, { name: roleName, arn: `arn:aws:iam::${accountId}:${kind}/${roleName}` });
      id = roleName;
      break;
    }
    case "aws:kms/key:Key":
    case "aws:kms/replicaKey:ReplicaKey": {
      const keyId = uuid(seed);
      Object.assign(state, { keyId, arn: `arn:aws:kms:${region}:${accountId}:key/${keyId}` });
      id = keyId;
      break;
    }
    case "aws:s3/bucket:Bucket":
    case "aws:s3/bucketV2:BucketV2": {
      const bucket = inputs.bucket ?? autoName(name);
      Object.assign(state, { bucket, arn: `arn:aws:s3:::${bucket}`, region, bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com` });
      id = bucket;
      break;
    }
    case "aws:secretsmanager/secret:Secret": {
      const secretName = inputs.name ?? autoName(name);
      Object.assign(state, { arn: `arn:aws:secretsmanager:${region}:${accountId}:secret:${secretName}-${hash(seed, 6)}` });
      id = String(state.arn);
      break;
    }
    case "aws:ec2/launchTemplate:LaunchTemplate":
      Object.assign(state, { latestVersion: launchTemplateVersion(inputs) });
      break;
    case "aws:ec2/eip:Eip":
      // Addresses from TEST-NET-2 (RFC 5737): documentation-only, never someone's real IP.
      Object.assign(state, { publicIp: `198.51.100.${parseInt(hash(seed, 4), 16) % 254 + 1}` });
      break;
    case "aws:eks/nodeGroup:NodeGroup": {
      // The provider's id is `<cluster>:<node group>`; EKS ends the ARN in an ID of its own, new for a replacement
      // (hashicorp/terraform-provider-aws internal/service/eks/node_group.go, NodeGroupCreateResourceID).
      const nodeGroupName = String(inputs.nodeGroupName ?? autoName(inputs.nodeGroupNamePrefix ?? name));
      id = `${inputs.clusterName}:${nodeGroupName}`;
      Object.assign(state, { nodeGroupName, arn: `arn:aws:eks:${region}:${accountId}:nodegroup/${inputs.clusterName}/${nodeGroupName}/${uuid(seed)}` });
      break;
    }
    case "aws:cloudwatch/logGroup:LogGroup": {
      const groupName = inputs.name ?? autoName(name);
      Object.assign(state, { name: groupName, arn: `arn:aws:logs:${region}:${accountId}:log-group:${groupName}` });
      id = groupName;
      break;
    }
    case "aws:kms/alias:Alias":
      Object.assign(state, { arn: `arn:aws:kms:${region}:${accountId}:${inputs.name ?? `alias/${autoName(name)}`}` });
      break;
    case "aws:sqs/queue:Queue": {
      const queueName = inputs.name ?? autoName(name);
      const url = `https://sqs.${region}.amazonaws.com/${accountId}/${queueName}`;
      Object.assign(state, { name: queueName, arn: `arn:aws:sqs:${region}:${accountId}:${queueName}`, url });
      id = url;
      break;
    }
    case "aws:cloudwatch/eventRule:EventRule": {
      const ruleName = inputs.name ?? autoName(name);
      Object.assign(state, { name: ruleName, arn: `arn:aws:events:${region}:${accountId}:rule/${ruleName}` });
      id = ruleName;
      break;
    }
    case "aws:route53/zone:Zone":
      id = `Z${hash(name, 13).toUpperCase()}`;
      Object.assign(state, { zoneId: id });
      break;
    case "aws:lb/loadBalancer:LoadBalancer": {
      const lbName = inputs.name ?? autoName(name).slice(0, 32);
      const suffix = hash(seed, 16);
      const kind = inputs.loadBalancerType === "network" ? "net" : "app";
      id = `arn:aws:elasticloadbalancing:${region}:${accountId}:loadbalancer/${kind}/${lbName}/${suffix}`;
      Object.assign(state, { name: lbName, arn: id, arnSuffix: id.split(":loadbalancer/")[1], dnsName: `${lbName}-${suffix.slice(0, 10)}.elb.${region}.amazonaws.com`, zoneId: elbZoneId(region) });
      break;
    }
    case "aws:lb/targetGroup:TargetGroup": {
      const tgName = inputs.name ?? autoName(name).slice(0, 32);
      id = `arn:aws:elasticloadbalancing:${region}:${accountId}:targetgroup/${tgName}/${hash(seed, 16)}`;
      Object.assign(state, { name: tgName, arn: id, arnSuffix: id.split(":")[5] });
      break;
    }
    case "aws:lb/listener:Listener":
      id = `arn:aws:elasticloadbalancing:${region}:${accountId}:listener/${hash(seed, 16)}`;
      Object.assign(state, { arn: id });
      break;
    case "aws:acm/certificate:Certificate": {
      id = `arn:aws:acm:${region}:${accountId}:certificate/${uuid(seed)}`;
      // ACM's validation CNAME depends on the names and the account only: the same in every region.
      const names = [inputs.domainName, ...(inputs.subjectAlternativeNames ?? [])].map(String);
      const domainValidationOptions = names.map((domainName) => {
        const base = domainName.replace(/^\*\./, "");
        return {
          domainName,
          resourceRecordName: `_${hash(`${accountId}/${base}`, 32)}.${base}.`,
          resourceRecordType: "CNAME",
          resourceRecordValue: `_${hash(`${base}/validation`, 32)}.acm-validations.aws.`,
        };
      });
      Object.assign(state, { arn: id, domainValidationOptions, status: "PENDING_VALIDATION" });
      break;
    }
    case "aws:acm/certificateValidation:CertificateValidation":
      id = String(inputs.certificateArn);
      break;
    case "aws:route53/record:Record":
      Object.assign(state, { fqdn: String(inputs.name ?? "").replace(/\.$/, "") });
      break;
    case "aws:globalaccelerator/accelerator:Accelerator": {
      const acceleratorId = uuid(seed);
      id = `arn:aws:globalaccelerator::${accountId}:accelerator/${acceleratorId}`;
      const octets = hash(seed, 8).match(/../g)!.map((h) => parseInt(h, 16));
      Object.assign(state, {
        arn: id,
        dnsName: `a${hash(acceleratorId, 16)}.awsglobalaccelerator.com`,
        // Every accelerator's alias target zone (AWS Global Accelerator guide, "Route 53 alias").
        hostedZoneId: "Z2BJ6XQ5FK7U4H",
        ipSets: [{ ipFamily: "IPv4", ipAddresses: [`75.2.${octets[0]}.${octets[1]}`, `99.83.${octets[2]}.${octets[3]}`] }],
      });
      break;
    }
    case "aws:globalaccelerator/listener:Listener":
    case "aws:globalaccelerator/endpointGroup:EndpointGroup": {
      const kind = type.endsWith(":Listener") ? "listener" : "endpoint-group";
      id = `${inputs.acceleratorArn ?? inputs.listenerArn}/${kind}/${hash(seed, 8)}`;
      Object.assign(state, { arn: id });
      break;
    }
    case "aws:eks/cluster:Cluster": {
      const clusterName = String(inputs.name ?? autoName(name));
      // EKS names the issuer by an opaque ID, and the cluster security group it creates `eks-cluster-sg-<name>-<id>`:
      // a replaced cluster gets new ones (and a new endpoint and CA), its ARN and ID follow its name.
      const issuer = `https://oidc.eks.${region}.amazonaws.com/id/${hash(`${seed}/issuer`, 32).toUpperCase()}`;
      Object.assign(state, {
        arn: `arn:aws:eks:${region}:${accountId}:cluster/${clusterName}`,
        endpoint: `https://${hash(`${seed}/endpoint`, 32).toUpperCase()}.gr7.${region}.eks.amazonaws.com`,
        certificateAuthority: { data: Buffer.from(`mock CA of ${clusterName} ${hash(seed, 8)}`).toString("base64") },
        identities: [{ oidcs: [{ issuer }] }],
        vpcConfig: { ...inputs.vpcConfig, clusterSecurityGroupId: `sg-${hash(`${seed}/eks-cluster-sg`, 17)}` },
        status: "ACTIVE",
      });
      id = clusterName;
      break;
    }
    case "aws:iam/openIdConnectProvider:OpenIdConnectProvider": {
      // IAM keeps the URL without its scheme and names the provider after it.
      const url = String(inputs.url ?? "").replace(/^https:\/\//, "");
      Object.assign(state, { url, arn: `arn:aws:iam::${accountId}:oidc-provider/${url}` });
      id = String(state.arn);
      break;
    }
    case "aws:eks/addon:Addon":
      // The provider's id is `<cluster>:<add-on>` (hashicorp/terraform-provider-aws internal/service/eks/addon.go).
      id = `${inputs.clusterName}:${inputs.addonName}`;
      Object.assign(state, { arn: `arn:aws:eks:${region}:${accountId}:addon/${inputs.clusterName}/${inputs.addonName}/${hash(seed, 8)}` });
      break;
    case "aws:cloudwatch/metricAlarm:MetricAlarm": {
      // CloudWatch names an alarm's ARN after its name (CloudWatch API Reference, MetricAlarm: AlarmArn).
      const alarmName = String(inputs.name ?? autoName(name));
      Object.assign(state, { name: alarmName, arn: `arn:aws:cloudwatch:${region}:${accountId}:alarm:${alarmName}` });
      id = alarmName;
      break;
    }
    case "aws:arczonalshift/zonalAutoshiftConfiguration:ZonalAutoshiftConfiguration":
      // Identified by the resource it configures (hashicorp/terraform-provider-aws internal/service/arczonalshift).
      id = String(inputs.resourceArn);
      break;
    case "aws:eks/accessEntry:AccessEntry":
      id = `${inputs.clusterName}:${inputs.principalArn}`;
      Object.assign(state, { accessEntryArn: `arn:aws:eks:${region}:${accountId}:access-entry/${inputs.clusterName}/role/${hash(seed, 12)}` });
      break;
    case "aws:eks/accessPolicyAssociation:AccessPolicyAssociation":
      id = `${inputs.clusterName}#${inputs.principalArn}#${inputs.policyArn}`;
      break;
    case "pulumi:pulumi:StackReference": {
      // The outputs of a stack this run planned before (`<organization>/<project>/<stack>`);
      // any other stack was never deployed here: no outputs, as on a first deploy.
      const stack = String(inputs.name ?? "").split("/").pop()!;
      Object.assign(state, { outputs: ctx.stackOutputs?.get(stack) ?? {}, secretOutputNames: [] });
      break;
    }
    default:
      if (type.startsWith("aws:") && state.arn === undefined) state.arn = genericArn(type, region, accountId, inputs.name ?? name);
  }
  return { id, state };
}

/** Route 53 alias zones of regional NLBs (Elastic Load Balancing endpoints and quotas); other regions get a stand-in. */
const NLB_ZONE_IDS: Record<string, string> = {
  "us-east-1": "Z26RNL4JYFTOTI",
  "us-east-2": "ZLMOA37VPKANP",
  "us-west-2": "Z18D5FSROUN65G",
  "eu-west-1": "Z2IFOLAFXWLO4F",
  "eu-central-1": "Z3F0SRJ5LGBH90",
};

function elbZoneId(region: string): string {
  return NLB_ZONE_IDS[region] ?? `Z${hash(`nlb/${region}`, 13).toUpperCase()}`;
}

/** `aws:<module>/<resource>:<Type>` → `arn:aws:<module>:<region>:<account>:<resource>/<name>`. */
function genericArn(type: string, region: string, accountId: string, name: string): string {
  const [, module = "unknown", resource = "resource"] = /^aws:([^/]+)\/([^:]+):/.exec(type) ?? [];
  return `arn:aws:${module}:${region}:${accountId}:${resource.toLowerCase()}/${name}`;
}

function uuid(seed: string): string {
  const h = hash(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * Answers for data sources (invokes). The program calls none: zone IDs, the hosted zone and
 * the account come from the stack file. One called anyway gets its inputs back.
 */
export function mockCall(_token: string, inputs: Record<string, any>): Record<string, unknown> {
  return inputs;
}
