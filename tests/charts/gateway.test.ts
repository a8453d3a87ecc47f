import { GATEWAY_IMAGE } from "../../charts";
import { names, parseFleet } from "../../fleet";
import { fleetConfig, problemsOf, ZONE_ID } from "../fixtures/fleets";
import { find, fleetOf, Manifest, objectsOf, render } from "./render-helpers";

const builtin = render(fleetOf(3, { dns: { zone: "example.com", zoneId: ZONE_ID, record: "api.example.com", healthCheckPath: "/ready" } }));
const external = render(fleetOf(3, { dns: { zone: "example.com", zoneId: ZONE_ID, record: "api.example.com", gateway: "external" } }));
const gatewayKinds = ["Deployment", "ConfigMap", "PodDisruptionBudget", "ServiceAccount"];
const gatewayObjects = (objects: Manifest[]) => objects.filter((o) => gatewayKinds.includes(o.kind) && o.metadata.namespace === "ingress");

describe("the builtin gateway", () => {
  const c1 = objectsOf(builtin, "c1");
  const deployment = find(c1, "Deployment", "ingress-gateway", "ingress");
  const pod = deployment.spec.template.spec;
  const [container] = pod.containers;

  it("runs on every cluster, the standbys included, so each cluster's health check is real", () => {
    for (const cluster of ["c0", "c1", "c2"]) {
      expect(gatewayObjects(objectsOf(builtin, cluster)).map((o) => o.kind).sort()).toEqual([...gatewayKinds].sort());
    }
    expect(objectsOf(builtin, "c1", "apps").filter((o) => o.kind === "Deployment")).toEqual([]);
  });

  it("passes Pod Security restricted: non-root, no escalation, no capabilities, RuntimeDefault seccomp, read-only root", () => {
    expect(find(c1, "Namespace", "ingress").metadata.labels).toMatchObject({ "pod-security.kubernetes.io/enforce": "restricted" });
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 101, runAsGroup: 101, seccompProfile: { type: "RuntimeDefault" } });
    expect(container.securityContext).toEqual({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    // Everything nginx writes goes to the emptyDir at /tmp.
    expect(container.volumeMounts).toContainEqual({ name: "tmp", mountPath: "/tmp" });
    expect(pod.volumes).toContainEqual(expect.objectContaining({ name: "tmp", emptyDir: expect.any(Object) }));
    expect(pod.containers.flatMap((c: Manifest) => c.ports.map((p: Manifest) => p.containerPort))).toEqual([8080]);
  });

  it("answers serving and takeover from the traffic layer's answers, liveness always, everything else 404", () => {
    const conf: string = find(c1, "ConfigMap", "ingress-gateway", "ingress").data["nginx.conf"];
    expect(conf).toMatch(/location = \/ready \{[^}]*root \/etc\/gateway\/answers; try_files \/serving @no; \}/);
    expect(conf).toMatch(/location = \/ready\/takeover \{[^}]*root \/etc\/gateway\/answers; try_files \/takeover @no; \}/);
    expect(conf).toMatch(/location @no \{[^}]*return 503 /);
    expect(conf).toMatch(/location = \/ready\/live \{[^}]*return 200 /);
    expect(conf).toMatch(/location \/ \{ return 404 /);
    expect(conf).not.toContain("/healthz");
    expect(conf).toMatch(/listen 8080 default_server;/);
    expect(conf).toMatch(/pid \/tmp\/nginx\.pid;/);
    // The answers are the traffic layer's ConfigMap, mounted where nginx looks (optional: "no" until it exists).
    expect(container.volumeMounts).toContainEqual({ name: "answers", mountPath: "/etc/gateway/answers", readOnly: true });
    expect(pod.volumes).toContainEqual({ name: "answers", configMap: { name: "health-answers", optional: true } });
    // Probes check liveness, never the role: a standby's gateway stays Ready behind the NLB.
    for (const probe of [container.readinessProbe, container.livenessProbe]) expect(probe.httpGet).toEqual({ path: "/ready/live", port: "http" });
    expect(container.command.slice(0, 2)).toEqual(["sh", "-c"]);
    expect(container.command[2]).toMatch(/> \/tmp\/resolver\.conf && exec nginx -c \/etc\/gateway\/config\/nginx\.conf -g 'daemon off;'$/);
    expect(conf).toContain("include /tmp/resolver.conf;");
  });

  it("hands the agent's push webhook to its Service: Flux's receiver everywhere, Argo CD's server on hubs only", () => {
    const conf: string = find(c1, "ConfigMap", "ingress-gateway", "ingress").data["nginx.conf"];
    expect(conf).toMatch(/location \/hook\/ \{\n\s+limit_except POST \{ deny all; \}[\s\S]*set \$webhook_0 http:\/\/webhook-receiver\.flux-system\.svc\.cluster\.local;\n\s+proxy_pass \$webhook_0;/);
    const raw = fleetConfig(3, { gitops: { engine: "argocd", repoUrl: "https://github.com/acme/platform.git" } });
    raw.clusters[2].region = "us-east-1";
    const argocd = render(parseFleet(raw, "us-east-1"));
    const confOf = (cluster: string) => find(objectsOf(argocd, cluster), "ConfigMap", "ingress-gateway", "ingress").data["nginx.conf"] as string;
    // c0 is us-east-1's hub, c2 its spoke there.
    expect(confOf("c0")).toMatch(/location = \/api\/webhook \{[\s\S]*https:\/\/argocd-server\.argocd\.svc\.cluster\.local/);
    expect(confOf("c2")).not.toMatch(/webhook/);
    expect(confOf("c0")).not.toContain("/hook/");
    // Egress to exactly the webhook's pods, besides the fleet's namespaces.
    const egress = find(objectsOf(argocd, "c0"), "NetworkPolicy", "allow-gateway-to-fleet-namespaces", "ingress").spec.egress;
    expect(egress).toContainEqual({
      to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "argocd" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "argocd-server" } } }],
      ports: [{ protocol: "TCP", port: 8080 }],
    });
    expect(find(c1, "NetworkPolicy", "allow-gateway-to-fleet-namespaces", "ingress").spec.egress).toContainEqual({
      to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "flux-system" } }, podSelector: { matchLabels: { app: "notification-controller" } } }],
      ports: [{ protocol: "TCP", port: 9292 }],
    });
  });

  it("restarts no pod when the role changes: the config is the same, only the answers differ", () => {
    const conf = (tree: Map<string, Manifest>, cluster: string) => find(objectsOf(tree, cluster), "ConfigMap", "ingress-gateway", "ingress").data["nginx.conf"];
    expect(conf(builtin, "c0")).toBe(conf(builtin, "c1"));
    expect(find(objectsOf(builtin, "c0"), "Deployment", "ingress-gateway", "ingress")).toEqual(deployment);
  });

  it("rolls its pods when the config changes", () => {
    const other = find(objectsOf(render(fleetOf(3)), "c1"), "Deployment", "ingress-gateway", "ingress");
    const hash = (d: Manifest) => d.spec.template.metadata.annotations["eks-fleet.io/config-sha256"];
    expect(hash(other)).not.toBe(hash(deployment));
  });

  it("survives a node or zone loss: 2 replicas spread over zones, a disruption budget, bounded resources, a pinned image", () => {
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.strategy.rollingUpdate).toEqual({ maxUnavailable: 0, maxSurge: 1 });
    expect(pod.topologySpreadConstraints.map((t: Manifest) => t.topologyKey)).toEqual(["topology.kubernetes.io/zone", "kubernetes.io/hostname"]);
    const pdb = find(c1, "PodDisruptionBudget", "ingress-gateway", "ingress");
    expect(pdb.spec).toEqual({ minAvailable: 1, selector: { matchLabels: { "app.kubernetes.io/name": "ingress-gateway" } } });
    expect(container.resources.requests).toEqual({ cpu: "50m", memory: "32Mi" });
    expect(container.resources.limits).toEqual({ cpu: "250m", memory: "64Mi" });
    expect(container.image).toBe(GATEWAY_IMAGE);
    expect(GATEWAY_IMAGE).toMatch(/:\d+\.\d+\.\d+@sha256:[0-9a-f]{64}$/);
  });
});

describe("dns.gateway: external", () => {
  it("renders no gateway, only the Service and the binding your gateway pods join by label", () => {
    for (const cluster of ["c0", "c1", "c2"]) {
      const objects = objectsOf(external, cluster);
      expect(gatewayObjects(objects)).toEqual([]);
      expect(find(objects, "Service", "ingress-gateway", "ingress").spec.selector).toEqual({ "app.kubernetes.io/name": "ingress-gateway" });
      expect(find(objects, "TargetGroupBinding", "ingress-gateway", "ingress").spec.targetGroupName).toBe(names.gatewayTargetGroupName("prod", cluster));
    }
  });
});

describe("gateway config keys", () => {
  const withDns = (dns: Record<string, unknown>) => fleetConfig(2, { dns: { zone: "example.com", zoneId: ZONE_ID, record: "api.example.com", ...dns } });

  it("rejects an unknown gateway and a health path nginx or Route 53 could not take, naming the key", () => {
    expect(problemsOf(withDns({ gateway: "envoy" }))).toEqual(["fleet.dns.gateway: must be builtin (the fleet's gateway) or external (your own, bound by label)"]);
    expect(problemsOf(withDns({ healthCheckPath: "/ok; return 200" }))).toEqual([
      "fleet.dns.healthCheckPath: must start with '/' and use only letters, digits and . _ ~ / -",
    ]);
    expect(problemsOf(withDns({ gateway: "external", healthCheckPath: "/livez" }))).toEqual([]);
  });

  it("names target groups within ELB's 32 characters, distinct per cluster", () => {
    const long = names.gatewayTargetGroupName("a".repeat(16), "b".repeat(16));
    expect(long.length).toBeLessThanOrEqual(32);
    expect(long).toMatch(/^[a-z0-9-]+[a-z0-9]$/);
    expect(long).not.toBe(names.gatewayTargetGroupName("a".repeat(16), `${"b".repeat(15)}c`));
    expect(names.gatewayTargetGroupName("prod", "use1")).toBe("prod-use1-gw");
  });
});
