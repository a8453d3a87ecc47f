import { evaluateTree } from "../../policies/evaluate";
import { ManifestPolicy } from "../../policies/manifests";
import { noAllowAll, noPublicService } from "../../policies/network";
import { loadTree } from "../../policies/tree";
import { changed } from "./harness";
import { goodTree, writeTree } from "./tree-fixture";

type Files = Record<string, any>;
const run = (policy: ManifestPolicy, files: Files) => evaluateTree(loadTree(writeTree(files)), [policy]).map((v) => ({ file: v.file, message: v.message }));

const P = "clusters/use1/platform";
const POLICY = `${P}/networkpolicy-payments-allow-https.yaml`;
const policy = (name: string, spec: object) => ({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace: "payments" }, spec: { podSelector: {}, ...spec } });
const egressTo = (...cidrs: string[]) => ({ policyTypes: ["Egress"], egress: [{ to: cidrs.map((cidr) => ({ ipBlock: { cidr } })) }] });

describe("network-no-allow-all", () => {
  const message = (direction: string, to: string, protocol = "TCP") =>
    `NetworkPolicy 'payments/allow-https' in cluster use1 opens every ${protocol} ${direction} port to ${to}, which cancels default-deny. Name the peers (CIDR blocks of the services, namespaces by name) and the ports they need.`;

  it("passes rules restricted to ports, same-namespace pods, named namespaces or part of the internet", () => {
    const ok = changed(goodTree(), (f) => {
      f[POLICY].spec.ingress.push({ from: [{ podSelector: {} }] }, { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress" } } }] });
      f[`${P}/np-https-out.yaml`] = policy("https-out", { policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }] }] });
      f[`${P}/np-partners.yaml`] = policy("partners", egressTo("0.0.0.0/1", "198.51.100.0/24"));
      f[`${P}/np-named.yaml`] = policy("named", { policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["ingress"] }] } }] }] });
    });
    expect(run(noAllowAll, ok)).toEqual([]);
  });

  it.each([
    ["ingress", "the whole internet", { ingress: [{}] }],
    ["ingress", "the whole internet", { ingress: [{ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }] }],
    ["egress", "the whole internet", egressTo("::/0")],
    ["egress", "the whole internet", egressTo("0.0.0.0/1", "128.0.0.0/1")],
    // Everything but the private ranges is still the whole internet.
    ["egress", "the whole internet", { policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "192.168.0.0/16"] } }] }] }],
    ["egress", "the whole internet", { policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 1, endPort: 65535 }] }] }],
    ["egress", "the whole internet", { policyTypes: ["Egress"], egress: [1, 20000, 40000].map((port, i, all) => ({ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ port, endPort: (all[i + 1] ?? 65536) - 1 }] })) }],
    ["egress", "every pod of every namespace", { policyTypes: ["Egress"], egress: [{ to: [{ namespaceSelector: {}, podSelector: {} }] }] }],
    ["ingress", "every pod of every namespace", { ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ protocol: "TCP" }] }] }],
    ["ingress", "every pod of every namespace", { ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: "team", operator: "DoesNotExist" }] } }] }] }],
  ])("an allow-all %s rule (to %s): %j", (direction, to, spec) => {
    expect(run(noAllowAll, changed(goodTree(), (f) => Object.assign(f[POLICY].spec, spec)))).toEqual([{ file: POLICY, message: message(direction, to) }]);
  });

  it("adds up the policies of a namespace and reports each one that takes part", () => {
    const split = { ...goodTree(), [`${P}/np-low.yaml`]: policy("low", egressTo("0.0.0.0/1")), [`${P}/np-high.yaml`]: policy("high", egressTo("128.0.0.0/1")) };
    expect(run(noAllowAll, split).map((v) => [v.file, v.message.match(/together with (\w+)/)?.[1]]).sort()).toEqual([
      [`${P}/np-high.yaml`, "low"],
      [`${P}/np-low.yaml`, "high"],
    ]);
    // Half of the internet each, in two different namespaces: neither opens it all.
    const apart = { ...goodTree(), [`${P}/np-low.yaml`]: policy("low", egressTo("0.0.0.0/1")), [`${P}/np-high.yaml`]: { ...policy("high", egressTo("128.0.0.0/1")), metadata: { name: "high", namespace: "ingress" } } };
    expect(run(noAllowAll, apart)).toEqual([]);
  });
});

describe("network-no-public-service", () => {
  const service = (spec: object, annotations: object = {}) => ({ apiVersion: "v1", kind: "Service", metadata: { name: "api", namespace: "payments", annotations }, spec: { selector: { app: "api" }, ports: [{ port: 80 }], ...spec } });
  it("passes ClusterIP Services and internal load balancers", () => {
    expect(run(noPublicService, { ...goodTree(), [`${P}/a.yaml`]: service({}), [`${P}/b.yaml`]: service({ type: "LoadBalancer" }, { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" }) })).toEqual([]);
  });
  it("refuses a load balancer that is not internal, and externalIPs", () => {
    const found = run(noPublicService, { ...goodTree(), [`${P}/a.yaml`]: service({ type: "LoadBalancer" }), [`${P}/b.yaml`]: service({ externalIPs: ["203.0.113.9"] }) });
    expect(found.map((v) => [v.file, v.message.split(":")[0]])).toEqual([
      [`${P}/a.yaml`, "Service 'payments/api' in cluster use1 asks for a load balancer that is not internal, a way in beside the fleet's gateway (no failover, no health answer, no TLS policy). Serve it through the gateway, or annotate it service.beta.kubernetes.io/aws-load-balancer-scheme"],
      [`${P}/b.yaml`, "Service 'payments/api' in cluster use1 sets externalIPs (203.0.113.9)"],
    ]);
  });
});
