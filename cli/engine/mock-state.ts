import { createHash } from "crypto";

/**
 * Plausible outputs for the resources the fleet creates, derived only from names,
 * regions and the account ID, so every run of the offline plan is byte-identical and
 * later add-ons see realistic ARNs, OIDC issuers and kubeconfigs.
 */
export interface MockContext {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
  readonly region: string;
  readonly accountId: string;
}

export function hash(text: string, length = 8): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/** Pulumi auto-names add a random 7-character suffix; ours is derived from the name. */
const autoName = (name: string) => `${name}-${hash(name, 7)}`;

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
  const state: Record<string, unknown> = { ...inputs };
  const prefix = ID_PREFIXES[type];
  let id = prefix ? `${prefix}-${hash(`${region}/${name}`, 17)}` : `${name}-id`;

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
      const keyId = uuid(`${region}/${name}`);
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
      Object.assign(state, { arn: `arn:aws:secretsmanager:${region}:${accountId}:secret:${secretName}-${hash(secretName, 6)}` });
      id = String(state.arn);
      break;
    }
    case "aws:ec2/launchTemplate:LaunchTemplate":
      Object.assign(state, { latestVersion: 1 });
      break;
    case "aws:eks/nodeGroup:NodeGroup":
      Object.assign(state, { nodeGroupName: inputs.nodeGroupName ?? autoName(name) });
      break;
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
    case "eks:index:Cluster":
      Object.assign(state, eksClusterState(String(inputs.name ?? name), region, accountId));
      break;
    default:
      if (type.startsWith("aws:") && state.arn === undefined) state.arn = genericArn(type, region, accountId, inputs.name ?? name);
  }
  return { id, state };
}

function eksClusterState(clusterName: string, region: string, accountId: string) {
  const issuerId = hash(`${region}/${clusterName}`, 32).toUpperCase();
  const oidcIssuer = `oidc.eks.${region}.amazonaws.com/id/${issuerId}`;
  const endpoint = `https://${hash(clusterName, 32).toUpperCase()}.gr7.${region}.eks.amazonaws.com`;
  const certificateAuthority = Buffer.from(`mock CA of ${clusterName}`).toString("base64");
  const kubeconfig = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: clusterName, cluster: { server: endpoint, "certificate-authority-data": certificateAuthority } }],
    contexts: [{ name: clusterName, context: { cluster: clusterName, user: "aws" } }],
    "current-context": clusterName,
    users: [{ name: "aws", user: { exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws", args: ["eks", "get-token", "--cluster-name", clusterName, "--region", region] } } }],
  };
  return {
    kubeconfig,
    kubeconfigJson: JSON.stringify(kubeconfig),
    oidcIssuer,
    oidcProviderUrl: `https://${oidcIssuer}`,
    oidcProviderArn: `arn:aws:iam::${accountId}:oidc-provider/${oidcIssuer}`,
    clusterSecurityGroupId: `sg-${hash(`${clusterName}/cluster`, 17)}`,
    nodeSecurityGroupId: `sg-${hash(`${clusterName}/nodes`, 17)}`,
    eksCluster: {
      name: clusterName,
      arn: `arn:aws:eks:${region}:${accountId}:cluster/${clusterName}`,
      endpoint,
      certificateAuthority: { data: certificateAuthority },
    },
  };
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

/** Answers for the data sources (invokes) the program calls. */
export function mockCall(token: string, inputs: Record<string, any>, region: string, accountId: string): Record<string, unknown> {
  switch (token) {
    case "aws:index/getAvailabilityZones:getAvailabilityZones":
      return { names: ["a", "b", "c"].map((z) => `${region}${z}`), zoneIds: [1, 2, 3].map((z) => `${region}-az${z}`) };
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return { accountId, arn: `arn:aws:iam::${accountId}:role/deployer`, userId: "AROAMOCK" };
    case "aws:index/getRegion:getRegion":
      return { name: region, region, id: region };
    case "aws:route53/getZone:getZone":
      return { zoneId: `Z${hash(String(inputs.name), 13).toUpperCase()}`, name: inputs.name, arn: `arn:aws:route53:::hostedzone/Z${hash(String(inputs.name), 13).toUpperCase()}` };
    default:
      return inputs;
  }
}
