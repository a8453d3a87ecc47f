import { execFileSync } from "child_process";
import { CloudWatchClient, DescribeAlarmHistoryCommand, DescribeAlarmsCommand, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeClusterCommand, DescribeUpdateCommand, EKSClient, ListUpdatesCommand } from "@aws-sdk/client-eks";
import { GetHealthCheckStatusCommand, Route53Client } from "@aws-sdk/client-route-53";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { Sha256 } from "@smithy/core/checksum";
import { SignatureV4 } from "@smithy/signature-v4";
import type { ClusterSpec, FleetSpec } from "../../fleet";
import { names } from "../../fleet";
import type { AgentObject, AlarmReport, Change, DeployedRelease, GitHistory, HealthSample, HealthSignal, StatusSource } from "./status-source";

/**
 * What the live source reads of the stack: `pulumi stack output --json --show-secrets`
 * (index.ts), saved by CI or a person with access. The kubeconfigs give each cluster's
 * endpoint and CA; the check IDs and target groups name the health signals.
 */
export interface StackOutputs {
  readonly clusters: readonly { readonly name: string; readonly region: string; readonly eksClusterName: string }[];
  readonly kubeconfigs: Readonly<Record<string, unknown>>;
  readonly kubernetesVersions?: Readonly<Record<string, string>>;
  readonly healthSignals?: Readonly<Record<string, { readonly healthChecks?: { serving?: string; takeover?: string }; readonly loadBalancer?: string; readonly gatewayTargetGroup?: string; readonly servingTargetGroup?: string }>>;
}

/**
 * The statuses as they are: each cluster's API (client-node, authenticated with an EKS token
 * signed here as aws-iam-authenticator does: a presigned STS GetCallerIdentity, no `aws`
 * binary), Git (the repository's own history of the followed branch) and AWS (CloudWatch
 * metrics and alarms, Route 53's checkers, EKS). Thin: every decision is in gates.ts.
 */
export class LiveSource implements StatusSource {
  readonly git: GitHistory;
  private readonly credentials = defaultProvider();

  constructor(private readonly spec: FleetSpec, private readonly outputs: StackOutputs, repository: string) {
    this.git = gitHistory(repository, spec.gitops.branch);
  }

  now(): Date {
    return new Date();
  }

  async agentObjects(cluster: string): Promise<readonly AgentObject[] | undefined> {
    const spec = this.spec.clusters.find((c) => c.name === cluster)!;
    // Argo CD's Applications live on the cluster's hub; Flux's Kustomizations on the cluster itself.
    const where = this.spec.gitops.engine === "argocd" ? this.spec.clusters.find((c) => c.name === spec.argocdHub)! : spec;
    const [group, version, namespace, plural] = this.spec.gitops.engine === "flux"
      ? ["kustomize.toolkit.fluxcd.io", "v1", names.AGENTS.flux.namespace, "kustomizations"]
      : ["argoproj.io", "v1alpha1", names.AGENTS.argocd.namespace, "applications"];
    try {
      const api = await this.kubernetes(where);
      const list = await api.listNamespacedCustomObject({ group, version, namespace, plural });
      // Items of a custom-object list carry their apiVersion and kind (the gates match on kind).
      return list.items as AgentObject[];
    } catch {
      return undefined;
    }
  }

  async healthSignals(cluster: string): Promise<readonly HealthSignal[]> {
    const spec = this.spec.clusters.find((c) => c.name === cluster)!;
    const recorded = this.outputs.healthSignals?.[cluster] ?? {};
    const signals: HealthSignal[] = [];
    // What Git says the cluster answers now, whatever the roles were at the last deploy.
    if (recorded.healthChecks?.serving && spec.serves) signals.push({ cluster, name: "Route 53 serving check", id: `route53:${recorded.healthChecks.serving}` });
    if (recorded.healthChecks?.takeover && spec.takeover) signals.push({ cluster, name: "Route 53 takeover check", id: `route53:${recorded.healthChecks.takeover}` });
    if (recorded.loadBalancer && recorded.servingTargetGroup && spec.serves) signals.push({ cluster, name: "accelerator endpoint (serving target group)", id: `elb:${spec.region}:${suffix(recorded.loadBalancer)}:${suffix(recorded.servingTargetGroup)}` });
    if (recorded.loadBalancer && recorded.gatewayTargetGroup) signals.push({ cluster, name: "gateway target group", id: `elb:${spec.region}:${suffix(recorded.loadBalancer)}:${suffix(recorded.gatewayTargetGroup)}` });
    return signals;
  }

  async healthSamples(signal: HealthSignal, from: Date, to: Date): Promise<readonly HealthSample[]> {
    const [kind, ...rest] = signal.id.split(":");
    // Route 53 publishes health-check metrics in us-east-1 only (Route 53 developer guide, "Monitoring health checks using CloudWatch").
    const region = kind === "route53" ? "us-east-1" : rest[0];
    const metric = kind === "route53"
      ? { Namespace: "AWS/Route53", MetricName: "HealthCheckStatus", Dimensions: [{ Name: "HealthCheckId", Value: rest[0] }] }
      : { Namespace: "AWS/NetworkELB", MetricName: "HealthyHostCount", Dimensions: [{ Name: "LoadBalancer", Value: rest[1] }, { Name: "TargetGroup", Value: rest[2] }] };
    const cloudwatch = new CloudWatchClient({ region, credentials: this.credentials });
    const data = await cloudwatch.send(new GetMetricDataCommand({
      StartTime: from,
      EndTime: to,
      MetricDataQueries: [{ Id: "m", MetricStat: { Metric: metric, Period: 60, Stat: "Minimum" } }],
    }));
    const result = data.MetricDataResults?.[0];
    const samples = (result?.Timestamps ?? []).map((at, i) => ({ at, green: (result!.Values![i] ?? 0) >= 1 }));
    if (kind === "route53") {
      // The checkers' own view, newer than the metric (which lags by a minute or two).
      const status = await new Route53Client({ region: "us-east-1", credentials: this.credentials }).send(new GetHealthCheckStatusCommand({ HealthCheckId: rest[0] }));
      const healthy = status.HealthCheckObservations ?? [];
      const passing = healthy.filter((o) => o.StatusReport?.Status?.startsWith("Success")).length;
      // Route 53 counts a check healthy while more than 18% of its checkers pass it.
      samples.push({ at: to, green: healthy.length > 0 && passing / healthy.length > 0.18 });
    }
    return samples;
  }

  async alarm(name: string, region: string, since: Date): Promise<AlarmReport | undefined> {
    const cloudwatch = new CloudWatchClient({ region, credentials: this.credentials });
    const alarms = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [name] }));
    const alarm = alarms.MetricAlarms?.[0] ?? alarms.CompositeAlarms?.[0];
    if (!alarm) return undefined;
    const history = await cloudwatch.send(new DescribeAlarmHistoryCommand({ AlarmName: name, HistoryItemType: "StateUpdate", StartDate: since, EndDate: new Date() }));
    const changes = (history.AlarmHistoryItems ?? []).map((item) => ({ at: item.Timestamp!, to: (JSON.parse(item.HistoryData ?? "{}").newState?.stateValue ?? "INSUFFICIENT_DATA") as AlarmReport["state"] }));
    return { state: alarm.StateValue as AlarmReport["state"], changes: changes.sort((a, b) => a.at.getTime() - b.at.getTime()) };
  }

  async probe(url: string): Promise<{ status: number } | { error: string }> {
    try {
      const answer = await fetch(url, { signal: AbortSignal.timeout(10_000), redirect: "manual" });
      return { status: answer.status };
    } catch (err) {
      return { error: (err as Error).message };
    }
  }

  async deployed(cluster: string): Promise<DeployedRelease | undefined> {
    const spec = this.spec.clusters.find((c) => c.name === cluster)!;
    const eks = new EKSClient({ region: spec.region, credentials: this.credentials });
    try {
      const { cluster: described } = await eks.send(new DescribeClusterCommand({ name: spec.eksClusterName }));
      const updates = await eks.send(new ListUpdatesCommand({ name: spec.eksClusterName }));
      let since: Date | undefined;
      for (const id of updates.updateIds ?? []) {
        const { update } = await eks.send(new DescribeUpdateCommand({ name: spec.eksClusterName, updateId: id }));
        if (update?.type === "VersionUpdate" && update.status === "Successful" && update.createdAt && (!since || update.createdAt > since)) since = update.createdAt;
      }
      return described?.version ? { kubernetesVersion: described.version, since } : undefined;
    } catch {
      const recorded = this.outputs.kubernetesVersions?.[cluster];
      return recorded ? { kubernetesVersion: recorded } : undefined;
    }
  }

  private async kubernetes(cluster: ClusterSpec) {
    const { KubeConfig, CustomObjectsApi } = await import("@kubernetes/client-node");
    const kubeconfig = this.outputs.kubeconfigs[cluster.name];
    const parsed = (typeof kubeconfig === "string" ? JSON.parse(kubeconfig) : kubeconfig) as { clusters: { cluster: { server: string; "certificate-authority-data": string } }[] };
    const { server, "certificate-authority-data": caData } = parsed.clusters[0].cluster;
    const config = new KubeConfig();
    config.loadFromClusterAndUser({ name: cluster.name, server, caData, skipTLSVerify: false }, { name: "rollout", token: await this.eksToken(cluster) });
    return config.makeApiClient(CustomObjectsApi);
  }

  /**
   * The bearer token EKS accepts for an IAM identity: `k8s-aws-v1.` and the base64url of a
   * presigned STS GetCallerIdentity URL whose signed headers include `x-k8s-aws-id: <cluster>`
   * (kubernetes-sigs/aws-iam-authenticator pkg/token/token.go).
   */
  private async eksToken(cluster: ClusterSpec): Promise<string> {
    const signer = new SignatureV4({ credentials: this.credentials, region: cluster.region, service: "sts", sha256: Sha256 });
    const hostname = `sts.${cluster.region}.amazonaws.com`;
    const signed = await signer.presign(
      { method: "GET", protocol: "https:", hostname, path: "/", query: { Action: "GetCallerIdentity", Version: "2011-06-15" }, headers: { host: hostname, "x-k8s-aws-id": cluster.eksClusterName } },
      { expiresIn: 60 },
    );
    const query = Object.entries(signed.query ?? {}).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join("&");
    return `k8s-aws-v1.${Buffer.from(`https://${hostname}/?${query}`).toString("base64url")}`;
  }
}

/** `targetgroup/<name>/<id>` of a target group ARN, `net/<name>/<id>` of a load balancer's: CloudWatch's dimensions. */
const suffix = (arn: string) => arn.split(":").at(-1)!.replace(/^loadbalancer\//, "");

/** The followed branch's history in the local repository: `origin/<branch>` when fetched, else `<branch>`. */
export function gitHistory(repository: string, branch: string): GitHistory {
  const git = (...args: string[]) => execFileSync("git", args, { cwd: repository, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  const ref = (() => {
    try {
      git("rev-parse", "--verify", "--quiet", `origin/${branch}`);
      return `origin/${branch}`;
    } catch {
      return branch;
    }
  })();
  const commits = (range: string, path: string): Change[] => {
    const out = git("log", "--format=%x1e%H%x1f%cI%x1f%s", "--name-only", range, "--", path);
    return out.split("\x1e").filter(Boolean).map((record) => {
      const [head, ...files] = record.split("\n");
      const [sha, at, subject] = head.split("\x1f");
      return { sha, at: new Date(at), subject, paths: files.filter(Boolean) };
    });
  };
  return {
    lastChange: async (path) => commits(ref, path)[0],
    includes: async (commit, ancestor) => {
      try {
        execFileSync("git", ["merge-base", "--is-ancestor", ancestor, commit], { cwd: repository, stdio: "ignore" });
        return true;
      } catch (err) {
        // Exit 1: not an ancestor; anything else: a commit unknown here.
        return (err as { status?: number }).status === 1 ? false : undefined;
      }
    },
    changes: async (path, since) => commits(since ? `${since}..${ref}` : ref, path),
  };
}
