import { renderFleet, replicatedReplications } from "../../charts";
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
    expect(get("c1", "Deployment").spec.replicas).toBe(2);
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
