import * as YAML from "yaml";
import type { RenderedFile } from "../../charts";
import { mockState } from "../../cli/engine/mock-state";
import type { PlanDocument, PlanResource } from "../../cli/plan-document";
import type { FleetSpec } from "../../fleet";

/**
 * Where a client of the fleet's record is sent, worked out from what is deployed (plan.json)
 * and what each cluster's agent applied (the rendered tree), the way AWS's data planes decide
 * it, so a scenario can take a region down and ask who serves. Nothing here calls the code
 * that wrote either: a path, a port or a name is read where AWS or the cluster reads it.
 *
 * - A gateway answers what its pods answer: the TargetGroupBinding names a Service, whose
 *   selector picks a Deployment (none with 0 replicas); its nginx reads the config file its
 *   command names from the ConfigMap mounted there, and `location = <path>` either returns a
 *   fixed status or `try_files` a key of the ConfigMap mounted at its `root` (absent: the
 *   `@no` location's status).
 * - A target group is healthy while some cluster binding it is up and its pods pass the
 *   group's own check (`matcher`, default 200-399).
 * - A Route 53 HTTPS check of `<fqdn><resourcePath>` follows the name's alias to an NLB, its
 *   listener on the check's port to a target group, and passes when a request there gets
 *   2xx or 3xx (Route 53 developer guide, "How Amazon Route 53 determines whether a health
 *   check is healthy").
 * - A record with a check is healthy while the check passes; an alias that evaluates target
 *   health, while a record of its target is. Failover answers PRIMARY while healthy, else
 *   SECONDARY, else PRIMARY; weighted answers any healthy record; latency, the healthy record
 *   closest to the client; a set with no healthy record answers as if all were healthy (Route
 *   53 developer guide, "How Amazon Route 53 chooses records when health checking is configured").
 * - Global Accelerator counts an NLB endpoint healthy while every target group behind it has
 *   a healthy target ("Health check options"); a client goes to the closest endpoint group
 *   with traffic dialed in, else a healthy endpoint of the three closest groups whatever their
 *   dial, else a random endpoint of the closest group: it fails open ("How failover works for
 *   unhealthy endpoints"). A disabled accelerator routes nothing.
 * Resources are matched by the ids and names the offline engine gives them (cli/engine/mock-state.ts).
 */
export interface TrafficWorld {
  /** What is deployed. */
  readonly plan: PlanDocument;
  /** The fleet: its record, its clusters' hostnames and regions. */
  readonly spec: FleetSpec;
  /** What every reachable cluster's agent has applied. */
  readonly tree: readonly RenderedFile[];
  /** Regions that are down: nothing in them answers. */
  readonly down: ReadonlySet<string>;
}

/** The clusters a client in region `client` may be sent to, sorted. */
export function destinations(world: TrafficWorld, client: string): string[] {
  return [...new Set(new Model(world, client).answer(world.spec.dns.record))].sort();
}

/** `destinations` for a client in each region of the fleet. */
export function byClientRegion(world: TrafficWorld): Record<string, string[]> {
  return Object.fromEntries(world.spec.regions.map((region) => [region, destinations(world, region)]));
}

/**
 * Rough coordinates of the regions the scenarios use: latency routing and Global Accelerator
 * pick by measured latency, which geography approximates well at this scale.
 */
const LOCATIONS: Record<string, readonly [number, number]> = {
  "us-east-1": [38.9, -77.4],
  "us-east-2": [40.0, -83.0],
  "us-west-1": [37.4, -122.0],
  "us-west-2": [45.8, -119.7],
  "eu-west-1": [53.3, -6.3],
  "eu-central-1": [50.1, 8.7],
};

function distance(from: string, to: string): number {
  const [a, b] = [LOCATIONS[from], LOCATIONS[to]];
  if (!a || !b) throw new Error(`no location for ${!a ? from : to}: add it to tests/support/traffic.ts`);
  const rad = (deg: number) => (deg * Math.PI) / 180;
  const h = Math.sin(rad(b[0] - a[0]) / 2) ** 2 + Math.cos(rad(a[0])) * Math.cos(rad(b[0])) * Math.sin(rad(b[1] - a[1]) / 2) ** 2;
  return Math.asin(Math.sqrt(h));
}

type Manifest = { kind: string; metadata: { name: string; namespace?: string }; spec?: any; data?: Record<string, string> };

/** Parsed trees and engine outputs, shared by every client's model of the same world. */
const PARSED = new WeakMap<readonly RenderedFile[], Map<string, Manifest[]>>();
const OUTPUTS = new WeakMap<PlanResource, { id: string; state: Record<string, any> }>();

class Model {

  constructor(private readonly world: TrafficWorld, private readonly client: string) {}

  private closest<T>(items: readonly T[], region: (item: T) => string): T[] {
    return [...items].sort((a, b) => distance(this.client, region(a)) - distance(this.client, region(b)));
  }

  /** The clusters `name` resolves to. */
  answer(name: string): string[] {
    const records = this.records(name);
    if (records.length === 0) throw new Error(`no record named ${name}`);
    const failover = (type: string) => records.find((r) => (r.inputs.failoverRoutingPolicies as any[] | undefined)?.[0]?.type === type);
    const [primary, secondary] = [failover("PRIMARY"), failover("SECONDARY")];
    if (primary || secondary) {
      const chosen = primary && this.healthy(primary) ? primary : secondary && this.healthy(secondary) ? secondary : primary ?? secondary!;
      return this.targets(chosen);
    }
    const healthy = records.filter((r) => this.healthy(r));
    const candidates = healthy.length > 0 ? healthy : records;
    const latency = (r: PlanResource) => (r.inputs.latencyRoutingPolicies as { region: string }[] | undefined)?.[0]?.region;
    if (candidates.every((r) => latency(r) !== undefined)) return this.targets(this.closest(candidates, (r) => latency(r)!)[0]);
    return candidates.flatMap((r) => this.targets(r));
  }

  private records(name: string): PlanResource[] {
    return this.ofType("aws:route53/record:Record").filter((r) => r.inputs.name === name);
  }

  /** Where one record sends a client: a cluster's hostname, another record, or the accelerator. */
  private targets(record: PlanResource): string[] {
    const alias = (record.inputs.aliases as { name: string }[] | undefined)?.[0];
    if (alias) {
      const accelerator = this.ofType("aws:globalaccelerator/accelerator:Accelerator").find((a) => this.out(a).state.dnsName === alias.name);
      return accelerator ? this.accelerated(accelerator) : this.answer(alias.name);
    }
    // A CNAME: a cluster's hostname, the accelerator's name, or another record the resolver follows.
    const host = (record.inputs.records as string[])[0];
    const cluster = this.world.spec.clusters.find((c) => c.hostname === host);
    if (cluster) return [cluster.name];
    const accelerator = this.ofType("aws:globalaccelerator/accelerator:Accelerator").find((a) => this.out(a).state.dnsName === host);
    if (accelerator) return this.accelerated(accelerator);
    if (this.records(host).length > 0) return this.answer(host);
    throw new Error(`record ${record.name} points at ${host}: no cluster, accelerator or record of that name`);
  }

  private healthy(record: PlanResource): boolean {
    const checkId = record.inputs.healthCheckId;
    if (checkId !== undefined) {
      const check = this.ofType("aws:route53/healthCheck:HealthCheck").find((c) => this.out(c).id === checkId);
      if (!check || !this.checkPasses(check)) return false;
    }
    const alias = (record.inputs.aliases as { name: string; evaluateTargetHealth: boolean }[] | undefined)?.[0];
    return !alias?.evaluateTargetHealth || this.records(alias.name).some((r) => this.healthy(r));
  }

  /** A Route 53 HTTPS check of `<fqdn><resourcePath>`, through the name's NLB. */
  private checkPasses(check: PlanResource): boolean {
    const { fqdn, port, resourcePath } = check.inputs as { fqdn: string; port: number; resourcePath: string };
    const alias = (this.records(fqdn)[0]?.inputs.aliases as { name: string }[] | undefined)?.[0];
    const nlb = alias && this.ofType("aws:lb/loadBalancer:LoadBalancer").find((lb) => this.out(lb).state.dnsName === alias.name);
    if (!nlb || this.world.down.has(this.regionOf(nlb))) return false;
    const listener = this.listenersOf(nlb).find((l) => l.inputs.port === port);
    return !!listener && this.groupAnswers(this.groupOf(listener), (status) => status >= 200 && status < 400, resourcePath);
  }

  /** The clusters of the endpoints the accelerator sends this client to (see above). */
  private accelerated(accelerator: PlanResource): string[] {
    // Disabled, it "no longer accepts or routes traffic" (API reference, UpdateAccelerator); enabled by default.
    if (accelerator.inputs.enabled === false) return [];
    const arn = this.out(accelerator).id;
    const listeners = new Set(this.ofType("aws:globalaccelerator/listener:Listener").filter((l) => l.inputs.acceleratorArn === arn).map((l) => this.out(l).id));
    const groups = this.closest(
      this.ofType("aws:globalaccelerator/endpointGroup:EndpointGroup").filter((g) => listeners.has(String(g.inputs.listenerArn))),
      (g) => String(g.inputs.endpointGroupRegion),
    );
    const endpoints = (group: PlanResource) =>
      (group.inputs.endpointConfigurations as { endpointId: string; weight?: number }[])
        .filter((e) => (e.weight ?? 128) > 0)
        .map((e) => this.ofType("aws:lb/loadBalancer:LoadBalancer").find((lb) => this.out(lb).id === e.endpointId)!);
    const healthy = (group: PlanResource) => endpoints(group).filter((nlb) => !this.world.down.has(this.regionOf(nlb)) && this.listenersOf(nlb).every((l) => this.groupAnswers(this.groupOf(l))));
    const dialed = groups.find((g) => Number(g.inputs.trafficDialPercentage ?? 100) > 0);
    const chosen = [...(dialed ? [dialed] : []), ...groups.slice(0, 3)].find((g) => healthy(g).length > 0);
    return (chosen ? healthy(chosen) : endpoints(groups[0])).map((nlb) => nlb.cluster!);
  }

  private listenersOf(nlb: PlanResource): PlanResource[] {
    return this.ofType("aws:lb/listener:Listener").filter((l) => l.inputs.loadBalancerArn === this.out(nlb).id);
  }

  private groupOf(listener: PlanResource): PlanResource {
    const arn = (listener.inputs.defaultActions as { targetGroupArn: string }[])[0].targetGroupArn;
    return this.ofType("aws:lb/targetGroup:TargetGroup").find((g) => this.out(g).id === arn)!;
  }

  /**
   * Whether a request through this target group reaches a gateway whose status on `path`
   * is `ok` (the group's own health check when none is given): some cluster binding the group
   * is up, and its pods pass the group's check too.
   */
  private groupAnswers(group: PlanResource, ok?: (status: number) => boolean, path?: string): boolean {
    const check = group.inputs.healthCheck as { path: string; matcher?: string };
    const [low, high] = (check.matcher ?? "200-399").split("-").map(Number);
    const passes = (status: number) => status >= low && status <= (high ?? low);
    return this.bindingsOf(String(group.inputs.name)).some(({ cluster, binding }) => {
      const status = (at: string) => this.gatewayStatus(cluster, binding, at);
      return passes(status(check.path)) && (path === undefined || ok!(status(path)));
    });
  }

  /** Every TargetGroupBinding to the group named `name`, in the tree of a cluster that is up. */
  private bindingsOf(name: string): { cluster: string; binding: Manifest }[] {
    return this.world.spec.clusters
      .filter((c) => !this.world.down.has(c.region))
      .flatMap((c) => this.manifests(c.name).filter((m) => m.kind === "TargetGroupBinding" && m.spec.targetGroupName === name).map((binding) => ({ cluster: c.name, binding })));
  }

  /** The status the pods behind `binding` answer on `path` (see above); 0 when no pod runs. */
  private gatewayStatus(cluster: string, binding: Manifest, path: string): number {
    const objects = this.manifests(cluster);
    const namespace = binding.metadata.namespace;
    const find = (kind: string, name: string) => objects.find((m) => m.kind === kind && m.metadata.name === name && m.metadata.namespace === namespace);
    const service = find("Service", binding.spec.serviceRef.name);
    const selector = Object.entries(service?.spec.selector ?? {});
    const deployment = objects.find((m) => m.kind === "Deployment" && m.metadata.namespace === namespace && selector.length > 0 && selector.every(([k, v]) => m.spec.template.metadata.labels?.[k] === v));
    if (!deployment || deployment.spec.replicas === 0) return 0;
    const pod = deployment.spec.template.spec;
    const container = pod.containers.find((c: any) => /\bnginx -c \S+/.test([...(c.command ?? []), ...(c.args ?? [])].join(" ")));
    /** A ConfigMap mounted over `dir`, through the container's mounts and the pod's volumes. */
    const mounted = (dir: string) => {
      const mount = container?.volumeMounts?.find((m: any) => m.mountPath === dir);
      const volume = mount && pod.volumes.find((v: any) => v.name === mount.name);
      return volume?.configMap ? { data: find("ConfigMap", volume.configMap.name)?.data ?? {}, optional: !!volume.configMap.optional } : undefined;
    };
    const file = container && /\bnginx -c (\S+)/.exec([...(container.command ?? []), ...(container.args ?? [])].join(" "))![1];
    const conf = file && mounted(file.slice(0, file.lastIndexOf("/")))?.data[file.slice(file.lastIndexOf("/") + 1)];
    if (!conf) throw new Error(`${cluster}: no nginx config behind TargetGroupBinding ${binding.metadata.name}`);
    const location = (name: string) => new RegExp(`location ${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\{([^}]*)\\}`).exec(conf)?.[1];
    const body = location(`= ${path}`) ?? location("/");
    if (body === undefined) return 404;
    const fixed = /return (\d{3})/.exec(body);
    if (fixed) return Number(fixed[1]);
    const served = /root (\S+); try_files \/(\S+) (@\w+);/.exec(body);
    if (!served) throw new Error(`${cluster}: unreadable nginx location for ${path}: ${body}`);
    const answers = mounted(served[1]);
    if (!answers) throw new Error(`${cluster}: nothing mounted at ${served[1]}`);
    return served[2] in answers.data ? 200 : Number(/return (\d{3})/.exec(location(served[3]) ?? "")?.[1] ?? 404);
  }

  private manifests(cluster: string): Manifest[] {
    const parsed = PARSED.get(this.world.tree) ?? PARSED.set(this.world.tree, new Map()).get(this.world.tree)!;
    let found = parsed.get(cluster);
    if (!found) {
      const folder = `clusters/${cluster}/`;
      found = this.world.tree.filter((f) => f.path.startsWith(folder) && f.path.endsWith(".yaml")).map((f) => YAML.parse(f.content)).filter((m) => m?.kind);
      parsed.set(cluster, found);
    }
    return found;
  }

  private regionOf(resource: PlanResource): string {
    return resource.region ?? this.world.spec.homeRegion;
  }

  private ofType(type: string): PlanResource[] {
    return this.world.plan.resources.filter((r) => r.type === type);
  }

  /** A resource's id and outputs as the offline engine gave them. */
  private out(resource: PlanResource): { id: string; state: Record<string, any> } {
    let found = OUTPUTS.get(resource);
    if (!found) {
      const { type, name, inputs } = resource;
      found = mockState({ type, name, inputs, region: this.regionOf(resource), accountId: this.world.spec.accountId });
      OUTPUTS.set(resource, found);
    }
    return found;
  }
}
