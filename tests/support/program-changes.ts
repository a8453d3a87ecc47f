/**
 * Changes someone could make to the program, applied by replacing a project module's exports
 * before the program loads: what the outage tests show the offline engine catches. Used by
 * tests/support/outage-probe.ts and, as a preload (`-r tests/support/with-change.ts`), by
 * tests that run a command as a user would.
 */
import * as path from "path";

export const ROOT = path.resolve(__dirname, "../..");
const own = (file: string) => path.join(ROOT, file);

/** Replaces a project module's exports, for everything loaded after this. */
export function patch(file: string, change: (actual: any) => any): void {
  const actual = require(own(file));
  require.cache[require.resolve(own(file))]!.exports = change(actual);
}

/** Every RegionalCluster, built as it is and then given `add`'s extra resources. */
function addToEachCluster(add: (cluster: any, name: string) => void): void {
  patch("components/regional-cluster", (actual) => ({
    ...actual,
    RegionalCluster: class extends actual.RegionalCluster {
      constructor(name: string, args: any, opts: any) {
        super(name, args, opts);
        add(this, name);
      }
    },
  }));
}

export interface Scenario {
  readonly engines: ("fast" | "reference")[];
  readonly apply: () => void;
  /** @default ["us-east-1"] */
  readonly unavailable?: string[];
}

export const SCENARIOS: Record<string, Scenario> = {
  // A hosted-zone lookup as the program once made it: through the home region's provider, every run.
  lookup: {
    engines: ["fast", "reference"],
    apply: () =>
      patch("components/aws-providers", (actual) => ({
        ...actual,
        regionalProvider: (spec: any, region: string, opts: any) => {
          const provider = actual.regionalProvider(spec, region, opts);
          if (region === spec.homeRegion) require("@pulumi/aws").route53.getZoneOutput({ name: spec.dns.zone, privateZone: false }, { provider, parent: opts.parent });
          return provider;
        },
      })),
  },
  // The same lookup while every region is up: it was the outage that failed it.
  "lookup while available": { engines: ["fast"], unavailable: [], apply: () => SCENARIOS.lookup.apply() },
  // The same providers without the skip flags: credentials validated when configured.
  validating: {
    engines: ["fast", "reference"],
    apply: () =>
      patch("components/aws-providers", (actual) => ({
        ...actual,
        regionalProvider: (_spec: any, region: string, opts: any) => new (require("@pulumi/aws").Provider)(`aws-${region}`, { region }, opts),
      })),
  },
  // Credentials unchecked, but the account looked up: IAM is served from us-east-1, whatever the provider's region.
  account: {
    engines: ["fast"],
    apply: () =>
      patch("components/aws-providers", (actual) => ({
        ...actual,
        regionalProvider: (_spec: any, region: string, opts: any) =>
          new (require("@pulumi/aws").Provider)(`aws-${region}`, { region, ...actual.NO_CALL_AT_CONFIGURE, skipRequestingAccountId: region === "us-east-1" }, opts),
      })),
  },
  // @pulumi/eks's cluster as it was: a component its provider plugin builds, lookups inside.
  remote: {
    engines: ["fast"],
    apply: () =>
      addToEachCluster((cluster, name) => new (require("@pulumi/pulumi").ComponentResource)("eks:index:Cluster", `${name}-eks`, {}, { parent: cluster }, true)),
  },
  // The Load Balancer Controller's CRDs as a ConfigFile of their URL: a component the Kubernetes provider builds.
  configfile: {
    engines: ["fast", "reference"],
    apply: () =>
      addToEachCluster((cluster, name) => {
        const file = "https://raw.githubusercontent.com/aws/eks-charts/5239609242f3430be50fb0b714a24d3ef2b47983/stable/aws-load-balancer-controller/crds/crds.yaml";
        new (require("@pulumi/kubernetes").yaml.v2.ConfigFile)(`${name}-lbc-crds`, { file }, { provider: cluster.kubernetesProvider, parent: cluster });
      }),
  },
  // Reading an object through the failed cluster's Kubernetes provider needs that cluster.
  read: {
    engines: ["reference"],
    apply: () =>
      addToEachCluster((cluster, name) => require("@pulumi/kubernetes").core.v1.ConfigMap.get(`${name}-aws-auth`, "kube-system/aws-auth", { provider: cluster.kubernetesProvider, parent: cluster })),
  },
};

