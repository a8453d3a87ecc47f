import { renderFleet, replicatedReplications, Select } from "../../charts";
import { APPS_STATE_ANNOTATION, runningManifest } from "../../charts/standby";
import { FleetConfigError } from "../../fleet";
import { fleetOf, Manifest, objectsOf, parsed } from "./render-helpers";

/** A small apps layer: a workload with its autoscaler, a scheduled job, a per-node agent, a Service. */
const APPS: Manifest[] = [
  { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "payments", annotations: { "eks-fleet.io/warm-replicas": "2" } },
    spec: { replicas: 6, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "web:1" }] } } } },
  { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "queue", namespace: "payments" },
    spec: { replicas: 3, serviceName: "queue", selector: { matchLabels: { app: "queue" } }, template: { metadata: { labels: { app: "queue" } }, spec: { containers: [{ name: "q", image: "q:1" }] } } } },
  { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: { name: "web", namespace: "payments", annotations: { "eks-fleet.io/warm-replicas": "2" } },
    spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, minReplicas: 4, maxReplicas: 20 } },
  { apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "settle", namespace: "payments" },
    spec: { schedule: "0 2 * * *", jobTemplate: { spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "s", image: "s:1" }] } } } } } },
  { apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "agent", namespace: "payments" },
    spec: { selector: { matchLabels: { app: "agent" } }, template: { metadata: { labels: { app: "agent" } }, spec: { containers: [{ name: "a", image: "a:1" }] } } } },
  { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "payments" }, spec: { selector: { app: "web" }, ports: [{ port: 80 }] } },
];

const appsOf = (standby: "warm" | "pilot-light", objects = APPS) => {
  const tree = parsed(renderFleet(fleetOf(2, { standby }), replicatedReplications([{ file: "apps/payments.yaml", layer: "apps", objects }])));
  const get = (cluster: string, kind: string) => objectsOf(tree, cluster, "apps").find((o) => o.kind === kind)!;
  return get;
};

describe("the apps layer of a standby, rendered", () => {
  it("leaves the primary's apps exactly as written", () => {
    const get = appsOf("pilot-light");
    expect(get("c0", "Deployment")).toEqual(APPS[0]);
    expect(get("c0", "DaemonSet")).toEqual(APPS[4]);
  });

  it("runs a warm standby at its warm replica count, with autoscaling from there and no scheduled jobs", () => {
    const get = appsOf("warm");
    // The HPA owns web's replica count: the standby leaves it to the HPA, whose minimum is the warm count.
    expect(get("c1", "Deployment").spec).not.toHaveProperty("replicas");
    expect(get("c1", "Deployment").metadata.annotations["eks-fleet.io/apps"]).toBe("warm");
    expect(get("c1", "StatefulSet").spec.replicas).toBe(1);
    expect(get("c1", "HorizontalPodAutoscaler").spec).toMatchObject({ minReplicas: 2, maxReplicas: 20 });
    expect(get("c1", "CronJob").spec.suspend).toBe(true);
    expect(get("c1", "DaemonSet")).toEqual(APPS[4]);
    expect(get("c1", "Service")).toEqual(APPS[5]);
  });

  it("stops every app on a pilot light but keeps the objects, so a promotion only scales up", () => {
    const get = appsOf("pilot-light");
    expect([get("c1", "Deployment").spec.replicas, get("c1", "StatefulSet").spec.replicas]).toEqual([0, 0]);
    expect(get("c1", "CronJob").spec.suspend).toBe(true);
    expect(get("c1", "DaemonSet").spec.template.spec.nodeSelector).toEqual({ "eks-fleet.io/apps": "stopped" });
    // A HorizontalPodAutoscaler does not act on a target at zero replicas.
    expect(get("c1", "HorizontalPodAutoscaler")).toEqual(APPS[2]);
    expect(get("c1", "Service")).toEqual(APPS[5]);
  });

  it("rejects a warm replica count that is not a whole number, naming the cluster and object", () => {
    const bad = [{ ...APPS[0], metadata: { ...APPS[0].metadata, annotations: { "eks-fleet.io/warm-replicas": "two" } } }];
    expect(() => appsOf("warm", bad)).toThrow(FleetConfigError);
    expect(() => appsOf("warm", bad)).toThrow("clusters/c1/apps: cluster c1: Deployment web: annotation eks-fleet.io/warm-replicas must be a whole number, got 'two'");
  });
});

const deployment = (name: string, extra: Manifest = {}, annotations: Record<string, string> = {}): Manifest => ({
  apiVersion: "apps/v1", kind: "Deployment", metadata: { name, namespace: "payments", annotations },
  spec: { replicas: 6, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: `${name}:1` }] } }, ...extra },
});
const pdb = (name: string, spec: Manifest): Manifest => ({ apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name, namespace: "payments" }, spec: { selector: { matchLabels: { app: name } }, ...spec } });
const hpa = (target: { apiVersion: string; kind: string; name: string }, minReplicas: number, annotations: Record<string, string> = {}): Manifest => ({
  apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: { name: target.name, namespace: "payments", annotations }, spec: { scaleTargetRef: target, minReplicas, maxReplicas: 30 },
});

describe("a standby that cooperates with autoscalers and drains", () => {
  const objects: Manifest[] = [
    deployment("api", {}, { "eks-fleet.io/warm-replicas": "3" }),
    hpa({ apiVersion: "apps/v1", kind: "Deployment", name: "api" }, 5),
    pdb("api", { minAvailable: 2 }),
    pdb("web", { maxUnavailable: 1 }),
    pdb("batch", { maxUnavailable: "0%" }),
    { apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", metadata: { name: "checkout", namespace: "payments" }, spec: { replicas: 8, selector: { matchLabels: { app: "checkout" } } } },
    hpa({ apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", name: "checkout" }, 4),
    deployment("worker"),
    { apiVersion: "keda.sh/v1alpha1", kind: "ScaledObject", metadata: { name: "worker", namespace: "payments" }, spec: { scaleTargetRef: { name: "worker" }, minReplicaCount: 2, maxReplicaCount: 50, triggers: [] } },
    { apiVersion: "keda.sh/v1alpha1", kind: "ScaledJob", metadata: { name: "import", namespace: "payments" }, spec: { jobTargetRef: { template: { spec: { containers: [{ name: "i", image: "i:1" }] } } }, triggers: [] } },
  ];
  const render = (standby: "warm" | "pilot-light") => {
    const tree = parsed(renderFleet(fleetOf(2, { standby }), replicatedReplications([{ file: "apps/payments.yaml", layer: "apps", objects }])));
    return (cluster: string, kind: string, name: string) => objectsOf(tree, cluster, "apps").find((o) => o.kind === kind && o.metadata.name === name)!;
  };
  const warm = render("warm");
  const stopped = render("pilot-light");

  it("writes no replica count for a workload an autoscaler owns, so the agent never undoes a scale-up", () => {
    expect(warm("c1", "Deployment", "api").spec).not.toHaveProperty("replicas");
    expect(warm("c1", "Rollout", "checkout").spec).not.toHaveProperty("replicas");
    expect(warm("c1", "Deployment", "worker").spec).not.toHaveProperty("replicas");
    // The primary keeps what the team wrote.
    expect(warm("c0", "Deployment", "api")).toEqual(objects[0]);
  });

  it("lets the autoscaler's minimum carry the warm count: its own annotation, else its target's, default 1", () => {
    expect(warm("c1", "HorizontalPodAutoscaler", "api").spec).toMatchObject({ minReplicas: 3, maxReplicas: 30 });
    expect(warm("c1", "HorizontalPodAutoscaler", "checkout").spec.minReplicas).toBe(1);
    expect(warm("c1", "ScaledObject", "worker").spec).toMatchObject({ minReplicaCount: 1, maxReplicaCount: 50 });
  });

  it("clamps disruption budgets on a standby so a drain can evict, and keeps those that already allow it", () => {
    expect(warm("c1", "PodDisruptionBudget", "api").spec).toEqual({ selector: { matchLabels: { app: "api" } }, maxUnavailable: 1 });
    expect(warm("c1", "PodDisruptionBudget", "api").metadata.annotations["eks-fleet.io/apps"]).toBe("warm");
    expect(warm("c1", "PodDisruptionBudget", "batch").spec.maxUnavailable).toBe(1);
    expect(warm("c1", "PodDisruptionBudget", "web")).toEqual(objects[3]);
    expect(warm("c0", "PodDisruptionBudget", "api")).toEqual(objects[2]);
  });

  it("on a pilot light, holds autoscaled workloads at zero: replicas 0, KEDA paused at 0, ScaledJobs paused", () => {
    expect(stopped("c1", "Deployment", "api").spec.replicas).toBe(0);
    expect(stopped("c1", "Rollout", "checkout").spec.replicas).toBe(0);
    expect(stopped("c1", "ScaledObject", "worker").metadata.annotations["autoscaling.keda.sh/paused-replicas"]).toBe("0");
    expect(stopped("c1", "ScaledJob", "import").metadata.annotations["autoscaling.keda.sh/paused"]).toBe("true");
    expect(warm("c1", "ScaledJob", "import").metadata.annotations["autoscaling.keda.sh/paused"]).toBe("true");
  });

  it("refuses a kind that runs pods but that a standby cannot scale, naming the cluster and object", () => {
    const knative = { apiVersion: "serving.knative.dev/v1", kind: "Service", metadata: { name: "hello", namespace: "payments" }, spec: { template: { spec: { containers: [{ image: "hello:1" }] } } } };
    const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "debug", namespace: "payments" }, spec: { containers: [{ name: "d", image: "d:1" }] } };
    for (const [object, name] of [[knative, "Service payments/hello"], [pod, "Pod payments/debug"]] as const) {
      const replications = replicatedReplications([{ file: "apps/extra.yaml", layer: "apps", objects: [object] }]);
      expect(() => renderFleet(fleetOf(2), replications)).toThrow(FleetConfigError);
      expect(() => renderFleet(fleetOf(2), replications)).toThrow(`clusters/c1/apps: cluster c1: ${name} runs pods, and a standby cannot hold`);
      // Rendered only where the cluster serves, or in a fleet without standbys, it is fine.
      expect(() => renderFleet(fleetOf(2), replications.map((r) => r.to(Select.serving())))).not.toThrow();
      const activeActive = fleetOf(2, { mode: "active-active", clusters: fleetOf(2).clusters.map((c) => ({ name: c.name, region: c.region, vpcCidr: c.vpcCidr, nodes: { instanceTypes: ["m6i.large"], min: 2, desired: 3, max: 6 } })) });
      expect(() => renderFleet(activeActive, replications)).not.toThrow();
    }
  });
});

describe("a standby's apps turned back into what a running cluster renders", () => {
  const objects: Manifest[] = [
    ...APPS,
    deployment("api", {}, { "eks-fleet.io/warm-replicas": "3" }),
    hpa({ apiVersion: "apps/v1", kind: "Deployment", name: "api" }, 5),
    pdb("api", { minAvailable: 2 }),
    { apiVersion: "keda.sh/v1alpha1", kind: "ScaledObject", metadata: { name: "worker", namespace: "payments" }, spec: { scaleTargetRef: { name: "worker" }, minReplicaCount: 2, triggers: [] } },
    { apiVersion: "keda.sh/v1alpha1", kind: "ScaledJob", metadata: { name: "import", namespace: "payments", annotations: { team: "data" } }, spec: { jobTargetRef: { template: { spec: { containers: [{ name: "i", image: "i:1" }] } } }, triggers: [] } },
  ];

  it.each(["warm", "pilot-light"] as const)("%s: every object the state changed comes back exactly as the primary renders it, so a kept wave can take a new role", (standby) => {
    const tree = parsed(renderFleet(fleetOf(2, { standby }), replicatedReplications([{ file: "apps/payments.yaml", layer: "apps", objects }])));
    const standbyObjects = objectsOf(tree, "c1", "apps");
    const changed = standbyObjects.filter((o) => o.metadata.annotations?.[APPS_STATE_ANNOTATION]);
    expect(changed.length).toBeGreaterThan(5);
    const byName = (o: Manifest) => `${o.kind}/${o.metadata.name}`;
    const running = new Map(objectsOf(tree, "c0", "apps").map((o) => [byName(o), o]));
    for (const object of standbyObjects) expect(runningManifest(object)).toEqual(running.get(byName(object)));
    // The primary's objects carry no record and stay as they are.
    for (const object of objectsOf(tree, "c0", "apps")) expect(runningManifest(object)).toBe(object);
  });
});
