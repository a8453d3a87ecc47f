import * as ipaddr from "ipaddr.js";
import { groupOf } from "./allow-list";
import { kindOf, ManifestObject, ManifestPolicy, nameOf } from "./manifests";

/**
 * NetworkPolicies add up (Kubernetes "Network Policies": policies are additive), so what a
 * namespace allows is the union of every rule of every policy in it. A namespace allows
 * everything in a direction when, for some protocol, every port is open either to the whole
 * internet (the union of its CIDR blocks, `except`s removed: `0.0.0.0/1` + `128.0.0.0/1` is
 * `0.0.0.0/0`) or to every pod of every namespace (a namespace selector that picks no
 * namespace by name: `{}`, `Exists`, `NotIn`, `DoesNotExist`). That cancels default-deny.
 */

interface Peer {
  readonly ipBlock?: { cidr?: string; except?: string[] };
  readonly podSelector?: Selector;
  readonly namespaceSelector?: Selector;
}
interface Selector {
  readonly matchLabels?: Record<string, string>;
  readonly matchExpressions?: { key?: string; operator?: string; values?: string[] }[];
}
interface Port {
  readonly protocol?: string;
  readonly port?: number | string;
  readonly endPort?: number;
}
interface NetworkRule {
  readonly from?: Peer[];
  readonly to?: Peer[];
  readonly ports?: Port[];
}

type Range = readonly [bigint, bigint];
const PROTOCOLS = ["TCP", "UDP", "SCTP"] as const;
const ALL_PORTS: Range = [1n, 65535n];

/**
 * The public internet: IPv4 without the private and special-purpose blocks (RFC 6890), and
 * IPv6 global unicast. A rule that reaches all of it reaches every server outside the VPC.
 */
const NOT_PUBLIC_V4 = ["0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/4", "240.0.0.0/4"];
const INTERNET = {
  v4: subtract([[0n, (1n << 32n) - 1n]], NOT_PUBLIC_V4.map((c) => cidrRange(c)!.range)),
  v6: [cidrRange("2000::/3")!.range],
};

/** A CIDR block as an address range (host bits ignored, as the network plugins do), or undefined if it is not one. */
function cidrRange(cidr: string): { family: "v4" | "v6"; range: Range } | undefined {
  if (!ipaddr.isValidCIDR(cidr)) return undefined;
  const [address, prefix] = ipaddr.parseCIDR(cidr);
  const bits = address.kind() === "ipv4" ? 32 : 128;
  const value = address.toByteArray().reduce((n, byte) => (n << 8n) | BigInt(byte), 0n);
  const host = (1n << BigInt(bits - prefix)) - 1n;
  return { family: bits === 32 ? "v4" : "v6", range: [value & ~host, (value & ~host) | host] };
}

function subtract(ranges: readonly Range[], holes: readonly Range[]): Range[] {
  let result: Range[] = [...ranges];
  for (const [lo, hi] of holes) {
    result = result.flatMap(([a, b]): Range[] => (hi < a || lo > b ? [[a, b]] : [...(lo > a ? [[a, lo - 1n] as Range] : []), ...(hi < b ? [[hi + 1n, b] as Range] : [])]));
  }
  return result;
}

/** Whether the union of `ranges` contains every range of `target`. */
const covers = (ranges: readonly Range[], target: readonly Range[]) => subtract(target, ranges).length === 0;

/** A selector that picks no namespace or pod by name or label value: it matches (almost) everything. */
function broad(selector: Selector | undefined): boolean {
  if (selector === undefined) return true;
  const positive = Object.keys(selector.matchLabels ?? {}).length > 0 || (selector.matchExpressions ?? []).some((e) => e.operator === "In");
  return !positive;
}

/** What one peer list reaches: address ranges per family, and whether it is every pod of every namespace. */
function reach(peers: Peer[] | undefined): { v4: Range[]; v6: Range[]; everyPod: boolean } {
  // No peers: every source or destination, in the cluster and outside.
  if (peers === undefined || peers.length === 0) return { v4: [...INTERNET.v4], v6: [...INTERNET.v6], everyPod: true };
  const found = { v4: [] as Range[], v6: [] as Range[], everyPod: false };
  for (const peer of peers) {
    if (peer.ipBlock) {
      const block = cidrRange(String(peer.ipBlock.cidr ?? ""));
      if (!block) continue;
      const holes = (peer.ipBlock.except ?? []).map((e) => cidrRange(String(e))).filter((e) => e?.family === block.family).map((e) => e!.range);
      found[block.family].push(...subtract([block.range], holes));
    } else if (peer.namespaceSelector !== undefined && broad(peer.namespaceSelector) && broad(peer.podSelector)) {
      found.everyPod = true;
    }
  }
  return found;
}

/** The ports a rule opens for one protocol: every port without a `ports` list, or a port entry without a number. */
function portRanges(rule: NetworkRule, protocol: string): Range[] {
  if (rule.ports === undefined || rule.ports.length === 0) return [ALL_PORTS];
  return rule.ports.flatMap((p): Range[] => {
    if ((p.protocol ?? "TCP") !== protocol) return [];
    if (p.port === undefined) return [ALL_PORTS];
    // A named port opens the one port a container gives that name.
    if (typeof p.port !== "number") return [];
    return [[BigInt(p.port), BigInt(p.endPort ?? p.port)]];
  });
}

interface Contribution {
  readonly policy: ManifestObject;
  readonly rule: NetworkRule;
}

/**
 * For one namespace and direction: whether, for some protocol, every port is open to the
 * whole internet or to every pod, and which policies take part. Port space is cut where any
 * rule's range starts or ends; each piece must be open to everyone by the rules that cover it.
 */
function allowsAll(contributions: readonly Contribution[], peersOf: (r: NetworkRule) => Peer[] | undefined): { protocol: string; to: string; policies: ManifestObject[] } | undefined {
  for (const protocol of PROTOCOLS) {
    const rules = contributions.map((c) => ({ ...c, ports: portRanges(c.rule, protocol), reach: reach(peersOf(c.rule)) })).filter((r) => r.ports.length > 0);
    const cuts = [...new Set(rules.flatMap((r) => r.ports.flatMap(([lo, hi]) => [lo, hi + 1n])).concat([ALL_PORTS[0], ALL_PORTS[1] + 1n]))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const pieces = cuts.slice(0, -1).map((lo, i): Range => [lo, cuts[i + 1] - 1n]).filter(([lo, hi]) => lo >= ALL_PORTS[0] && hi <= ALL_PORTS[1]);
    const toInternet = (r: (typeof rules)[number]) => r.reach.v4.length > 0 || r.reach.v6.length > 0;
    for (const [to, open, reaches] of [
      ["the whole internet", (covering: typeof rules) => covers(covering.flatMap((r) => r.reach.v4), INTERNET.v4) || covers(covering.flatMap((r) => r.reach.v6), INTERNET.v6), toInternet],
      ["every pod of every namespace", (covering: typeof rules) => covering.some((r) => r.reach.everyPod), (r: (typeof rules)[number]) => r.reach.everyPod],
    ] as const) {
      const taking = new Set<ManifestObject>();
      const everyPiece = pieces.every(([lo, hi]) => {
        const covering = rules.filter((r) => r.ports.some(([a, b]) => a <= lo && hi <= b));
        covering.filter(reaches).forEach((r) => taking.add(r.policy));
        return open(covering);
      });
      if (everyPiece) return { protocol, to, policies: [...taking] };
    }
  }
  return undefined;
}

export const noAllowAll: ManifestPolicy = {
  name: "network-no-allow-all",
  description: "Checks whether the NetworkPolicies of a namespace, together, leave every port of a protocol open to the whole internet (a union of CIDR blocks) or to every pod of every namespace (an empty or negative namespace selector), which cancels default-deny.",
  enforcementLevel: "mandatory",
  validateTree: (tree, reportViolation) => {
    const byNamespace = new Map<string, ManifestObject[]>();
    for (const o of tree.objects.filter((x) => groupOf(x.object.apiVersion) === "networking.k8s.io" && kindOf(x) === "NetworkPolicy")) {
      const key = `${o.cluster}/${o.object.metadata?.namespace ?? "default"}`;
      byNamespace.set(key, [...(byNamespace.get(key) ?? []), o]);
    }
    for (const [where, policies] of byNamespace) {
      for (const [direction, rulesOf, peersOf] of [
        ["ingress", (p: ManifestObject) => p.object.spec?.ingress, (r: NetworkRule) => r.from],
        ["egress", (p: ManifestObject) => p.object.spec?.egress, (r: NetworkRule) => r.to],
      ] as const) {
        const contributions = policies.flatMap((policy) => ((rulesOf(policy) ?? []) as NetworkRule[]).map((rule) => ({ policy, rule: rule ?? {} })));
        const found = allowsAll(contributions, peersOf);
        if (!found) continue;
        for (const policy of found.policies) {
          const others = found.policies.filter((p) => p !== policy).map(nameOf);
          reportViolation(
            `NetworkPolicy '${where.split("/")[1]}/${nameOf(policy)}' in cluster ${policy.cluster} opens every ${found.protocol} ${direction} port to ${found.to}${others.length > 0 ? ` together with ${others.join(", ")}` : ""}, which cancels default-deny. Name the peers (CIDR blocks of the services, namespaces by name) and the ports they need.`,
            policy.file,
          );
        }
      }
    }
  },
};

/** AWS load balancer annotations that keep a Service's load balancer inside the VPC (aws-load-balancer-controller docs, "Annotations"). */
const INTERNAL = [
  ["service.beta.kubernetes.io/aws-load-balancer-scheme", "internal"],
  ["service.beta.kubernetes.io/aws-load-balancer-internal", "true"],
] as const;

export const noPublicService: ManifestPolicy = {
  name: "network-no-public-service",
  description: "Checks whether no Service opens its own way in: a LoadBalancer that is not internal (it bypasses the fleet's gateway and NLB), or externalIPs (which intercepts the cluster's traffic to those addresses, CVE-2020-8554).",
  enforcementLevel: "mandatory",
  validateTree: (tree, reportViolation) => {
    for (const o of tree.objects.filter((x) => groupOf(x.object.apiVersion) === "" && kindOf(x) === "Service")) {
      const spec = o.object.spec ?? {};
      const annotations = (o.object.metadata?.annotations ?? {}) as Record<string, string>;
      if (spec.type === "LoadBalancer" && !INTERNAL.some(([key, value]) => annotations[key] === value)) {
        reportViolation(`Service '${o.object.metadata?.namespace}/${nameOf(o)}' in cluster ${o.cluster} asks for a load balancer that is not internal, a way in beside the fleet's gateway (no failover, no health answer, no TLS policy). Serve it through the gateway, or annotate it ${INTERNAL[0][0]}: internal.`, o.file);
      }
      if ((spec.externalIPs ?? []).length > 0) {
        reportViolation(`Service '${o.object.metadata?.namespace}/${nameOf(o)}' in cluster ${o.cluster} sets externalIPs (${spec.externalIPs.join(", ")}): every pod's traffic to those addresses would go to it instead. Remove externalIPs.`, o.file);
      }
    }
  },
};

export const networkPolicies: ManifestPolicy[] = [noAllowAll, noPublicService];
