import { renderFleet } from "../../charts";
import { fleetReplications } from "../../charts/fleet-charts";
import { evaluateProgram, Evaluation } from "../../cli/engine/evaluate";
import { DependencyGraph } from "../../cli/engine/graph";
import { RecordedResource } from "../../cli/engine/recording-monitor";
import { LBC_UPSTREAM_ACTIONS } from "../../components/load-balancer-controller-policy";
import { names, parseFleet } from "../../fleet";
import { DEPLOY_ROLE, fleetConfig, stackConfig } from "../fixtures/fleets";
import * as YAML from "yaml";

const ACCOUNT = "123456789012";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const CLUSTERS = ["c0", "c1"];

const ofType = (ev: Evaluation, type: string) => ev.resources.filter((r) => r.type === type);
const roleNamed = (ev: Evaluation, roleName: string) => ofType(ev, "aws:iam/role:Role").find((r) => r.inputs.name === roleName)!;
const statementsOf = (role: RecordedResource): any[] => (role.inputs.inlinePolicies as { policy: string }[]).flatMap((p) => JSON.parse(p.policy).Statement);
const actionsOf = (s: any): string[] => [s.Action].flat();
const isRead = (action: string) => /:(Describe|Get|List)/.test(action);

describe("a first deploy: ordering, add-ons and least privilege", () => {
  let ev: Evaluation;
  let graph: DependencyGraph;
  const releaseOf = (cluster: string, chart: string) =>
    ofType(ev, RELEASE).find((r) => r.name.startsWith(`${cluster}-`) && String(r.inputs.chart).endsWith(chart))!;

  beforeAll(async () => {
    ev = await evaluateProgram(stackConfig(fleetConfig(2)), ACCOUNT);
    graph = new DependencyGraph(ev.resources);
  });

  describe("ordering", () => {
    it("creates every chart that makes a Service after its own cluster's Load Balancer Controller", () => {
      // The CRD charts (Karpenter's, the Load Balancer Controller's) hold CRDs only, no Service.
      const releases = ofType(ev, RELEASE).filter((r) => r.inputs.chart !== "aws-load-balancer-controller" && !["karpenter-crd", "aws-load-balancer-controller-crds"].includes(String(r.inputs.name)));
      // flux2, external-dns, external-secrets, velero, karpenter: every one creates Services.
      expect(releases).toHaveLength(5 * CLUSTERS.length);
      for (const release of releases) {
        const cluster = release.name.split("-")[0];
        const lbc = releaseOf(cluster, "aws-load-balancer-controller");
        expect([release.name, graph.waitsFor(release.urn, lbc.urn)]).toEqual([release.name, true]);
        for (const other of CLUSTERS.filter((c) => c !== cluster)) expect(graph.waitsFor(release.urn, releaseOf(other, "aws-load-balancer-controller").urn)).toBe(false);
      }
    });

    it("applies the tree only after the releases that install the CRDs it uses", () => {
      // Which chart serves each API group the rendered tree uses; a new group must be added here.
      const chartOfGroup: Record<string, string> = {
        "external-secrets.io": "external-secrets",
        "velero.io": "velero",
        "karpenter.sh": "karpenter",
        "karpenter.k8s.aws": "karpenter",
        // The gateway's TargetGroupBinding: the controller's chart installs that CRD.
        "elbv2.k8s.aws": "aws-load-balancer-controller",
      };
      const spec = parseFleet(fleetConfig(2), "us-east-1");
      const files = renderFleet(spec, fleetReplications(spec)).filter((f) => !f.path.endsWith("kustomization.yaml"));
      const objects = files.map((f) => YAML.parse(f.content));
      const definedInTree = new Set(objects.filter((o) => o.kind === "CustomResourceDefinition").map((o) => o.spec.group));
      const groups = new Set(
        objects.map((o) => String(o.apiVersion)).filter((v) => v.includes(".") && !v.includes(".k8s.io/") && !v.startsWith("apps/")).map((v) => v.split("/")[0]),
      );
      const needed = [...groups].filter((g) => !definedInTree.has(g));
      expect(needed.filter((g) => !(g in chartOfGroup))).toEqual([]);
      const kustomizations = ofType(ev, "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization");
      expect(kustomizations).toHaveLength(names.TREE_LAYERS.length * CLUSTERS.length);
      for (const k of kustomizations) {
        const cluster = k.name.split("-")[0];
        for (const group of needed) expect([k.name, group, graph.waitsFor(k.urn, releaseOf(cluster, chartOfGroup[group]).urn)]).toEqual([k.name, group, true]);
        // The tree's ingress Service goes through the controller's webhook too.
        expect(graph.waitsFor(k.urn, releaseOf(cluster, "aws-load-balancer-controller").urn)).toBe(true);
      }
    });

    it("creates the control-plane log group before the cluster, encrypted and expiring", () => {
      for (const cluster of CLUSTERS) {
        const group = ofType(ev, "aws:cloudwatch/logGroup:LogGroup").find((g) => g.inputs.name === `/aws/eks/prod-${cluster}/cluster`)!;
        expect(group.inputs).toMatchObject({ retentionInDays: 365, kmsKeyId: expect.stringMatching(/^arn:aws:kms:/) });
        const eks = ofType(ev, "aws:eks/cluster:Cluster").find((c) => c.inputs.name === `prod-${cluster}`)!;
        expect(graph.waitsFor(eks.urn, group.urn)).toBe(true);
      }
    });
  });

  describe("every cluster can serve", () => {
    it("enforces NetworkPolicies with the VPC CNI network policy agent", () => {
      const cnis = ofType(ev, "aws:eks/addon:Addon").filter((a) => a.inputs.addonName === "vpc-cni");
      expect(cnis.map((a) => a.inputs.clusterName)).toEqual(CLUSTERS.map((c) => `prod-${c}`));
      for (const c of cnis) expect(JSON.parse(String(c.inputs.configurationValues))).toMatchObject({ enableNetworkPolicy: "true" });
    });

    it("installs the EBS CSI driver add-on with the fleet's driver role (Pod Identity), after the system nodes", () => {
      const addons = ofType(ev, "aws:eks/addon:Addon").filter((a) => a.inputs.addonName === "aws-ebs-csi-driver");
      expect(addons.map((a) => [a.inputs.clusterName, a.inputs.podIdentityAssociations])).toEqual(
        CLUSTERS.map((c) => [`prod-${c}`, [{ roleArn: `arn:aws:iam::${ACCOUNT}:role/prod-ebs-csi-driver-pod-identity`, serviceAccount: "ebs-csi-controller-sa" }]]),
      );
      for (const addon of addons) {
        const cluster = String(addon.inputs.clusterName).replace("prod-", "");
        expect(JSON.parse(String(addon.inputs.configurationValues))).toEqual({ controller: { k8sTagClusterId: `prod-${cluster}` } });
        const nodes = ev.resources.find((r) => r.name === `${cluster}-nodes-group`)!;
        expect(graph.waitsFor(addon.urn, nodes.urn)).toBe(true);
      }
    });

    it("installs Karpenter with a node limit derived from nodes.max and the node baseline", () => {
      expect(ofType(ev, RELEASE).filter((r) => r.inputs.chart === "oci://public.ecr.aws/karpenter/karpenter").map((r) => r.inputs.namespace)).toEqual(["karpenter", "karpenter"]);
      const spec = parseFleet(fleetConfig(2, { clusters: fleetConfig(2).clusters.map((c: any) => ({ ...c, nodes: { ...c.nodes, desired: 2, max: 9 } })) }), "us-east-1");
      const files = renderFleet(spec, fleetReplications(spec));
      const pool = YAML.parse(files.find((f) => f.path === "clusters/c1/platform/nodepool-workloads.yaml")!.content);
      expect(pool.spec.limits).toEqual({ nodes: 7 });
      expect(pool.spec.template.spec.requirements).toContainEqual({ key: "node.kubernetes.io/instance-type", operator: "In", values: ["m6i.large"] });
      const nodeClass = YAML.parse(files.find((f) => f.path === "clusters/c1/platform/ec2nodeclass-workloads.yaml")!.content);
      expect(nodeClass.spec.metadataOptions).toMatchObject({ httpTokens: "required", httpPutResponseHopLimit: 1 });
      expect(nodeClass.spec.blockDeviceMappings[0].ebs).toMatchObject({ encrypted: true, volumeType: "gp3" });
      expect(nodeClass.spec.role).toBe("prod-c1-karpenter-node");
      const entry = ofType(ev, "aws:eks/accessEntry:AccessEntry").find((e) => e.name === "c1-karpenter-node-access")!;
      expect(entry.inputs).toMatchObject({ clusterName: "prod-c1", type: "EC2_LINUX", principalArn: `arn:aws:iam::${ACCOUNT}:role/prod-c1-karpenter-node` });
    });

    it("renders one default StorageClass per cluster: encrypted gp3 with the cluster's key", () => {
      const spec = parseFleet(fleetConfig(2), "us-east-1");
      const classes = renderFleet(spec, fleetReplications(spec)).filter((f) => f.path.includes("/storageclass-")).map((f) => YAML.parse(f.content));
      expect(classes).toHaveLength(CLUSTERS.length);
      for (const [i, sc] of classes.entries()) {
        expect(sc.metadata.annotations["storageclass.kubernetes.io/is-default-class"]).toBe("true");
        expect(sc.provisioner).toBe("ebs.csi.aws.com");
        expect(sc.parameters).toMatchObject({ type: "gp3", encrypted: "true", kmsKeyId: expect.stringMatching(new RegExp(`:alias/prod-c${i}-ebs$`)) });
      }
      const aliases = ofType(ev, "aws:kms/alias:Alias").map((a) => a.inputs.name);
      expect(aliases).toEqual(expect.arrayContaining(CLUSTERS.map((c) => `alias/prod-${c}-ebs`)));
    });
  });

  describe("least privilege", () => {
    it("grants the Load Balancer Controller every action of its published policy for the pinned version", () => {
      const granted = new Set(statementsOf(roleNamed(ev, names.podIdentityRoleName("prod", names.AGENTS.loadBalancerController.role))).flatMap(actionsOf));
      const missing = Object.values(LBC_UPSTREAM_ACTIONS).flat().filter((a) => !granted.has(a));
      expect(missing).toEqual([]);
    });

    it("pins every Load Balancer Controller change to the calling cluster's tag value", () => {
      // Not taggable by nature: the service-linked role (one service only) and WAF/Shield
      // associations (account and, through the region guard, region only, documented in the policy).
      const unpinned = new Set(["ServiceLinkedRoleForElbOnly", "WafAndShieldOnThisAccountsLoadBalancers"]);
      const statements = statementsOf(roleNamed(ev, names.podIdentityRoleName("prod", names.AGENTS.loadBalancerController.role)));
      const ownCluster = "${aws:PrincipalTag/eks-cluster-name}";
      for (const s of statements.filter((st) => st.Effect === "Allow" && !actionsOf(st).every(isRead) && !unpinned.has(st.Sid))) {
        expect([s.Sid, Object.values(s.Condition?.StringEquals ?? {}).includes(ownCluster)]).toEqual([s.Sid, true]);
      }
      // Target groups the program creates for a TargetGroupBinding carry the same tag, so binding works.
      const bind = statements.find((s) => actionsOf(s).includes("elasticloadbalancing:RegisterTargets"));
      expect(bind.Condition).toEqual({ StringEquals: { "aws:ResourceTag/elbv2.k8s.aws/cluster": ownCluster } });
      const targetGroup = ofType(ev, "aws:lb/targetGroup:TargetGroup").find((t) => t.inputs.name === names.gatewayTargetGroupName("prod", "c1"))!;
      expect((targetGroup.inputs.tags as Record<string, string>)["elbv2.k8s.aws/cluster"]).toBe("prod-c1");
    });

    it("gives every KMS key an explicit policy: root administers, named services and roles use", () => {
      const keys = ofType(ev, "aws:kms/key:Key");
      expect(keys.length).toBeGreaterThanOrEqual(4 * CLUSTERS.length);
      for (const key of keys) {
        const statements = JSON.parse(String(key.inputs.policy)).Statement;
        expect(statements[0]).toEqual({ Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" });
        for (const s of statements.slice(1)) {
          expect([key.name, s.Sid, s.Condition !== undefined]).toEqual([key.name, s.Sid, true]);
          expect(JSON.stringify(s.Principal)).not.toContain('"*"');
        }
      }
      const backupKey = JSON.parse(String(ofType(ev, "aws:kms/key:Key").find((k) => k.name === "c0-backup-key")!.inputs.policy));
      expect(backupKey.Statement[1].Condition.ArnEquals["aws:PrincipalArn"]).toEqual([
        `arn:aws:iam::${ACCOUNT}:role/prod-c0-velero`,
        `arn:aws:iam::${ACCOUNT}:role/prod-c0-backup-replication`,
        `arn:aws:iam::${ACCOUNT}:role/prod-c1-backup-replication`,
      ]);
    });

    it("gives each principal one access entry per cluster, the deploy role's included (EKS refuses a second: 409)", () => {
      const principals = new Map<string, string[]>();
      for (const e of ofType(ev, "aws:eks/accessEntry:AccessEntry")) principals.set(String(e.inputs.clusterName), [...(principals.get(String(e.inputs.clusterName)) ?? []), String(e.inputs.principalArn)]);
      expect([...principals.keys()].sort()).toEqual(CLUSTERS.map((c) => `prod-${c}`));
      for (const [, list] of principals) {
        expect(list.filter((p) => p === DEPLOY_ROLE)).toHaveLength(1);
        expect(new Set(list).size).toBe(list.length);
      }
    });
  });
});
