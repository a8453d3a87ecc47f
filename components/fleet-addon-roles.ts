import * as pulumi from "@pulumi/pulumi";
import { FleetSpec, names } from "../fleet";
import { ARGOCD_SERVICE_ACCOUNTS, spokeRoleNamePattern } from "./argocd-hub";
import { ebsCsiStatements } from "./ebs-csi-driver";
import { externalDnsStatements } from "./external-dns";
import { karpenterStatements } from "./karpenter-policy";
import { loadBalancerControllerStatements } from "./load-balancer-controller-policy";
import { onlyTheClusterRegion, PodIdentityRole } from "./pod-identity-role";

export interface FleetAddonRolesArgs {
  readonly fleet: FleetSpec;
}

/**
 * The IAM roles add-ons share across the fleet through EKS Pod Identity, one per add-on
 * whatever the number of clusters (each cluster associates its service account with it).
 * Built at fleet level, outside every cluster; clusters refer to them by the ARN computed from
 * the account and `names.podIdentityRoleName`. Which add-ons are here, and why the others keep
 * a role per cluster, is in docs/REFERENCE.md ("Pod identity").
 */
export class FleetAddonRoles extends pulumi.ComponentResource {
  public readonly karpenter: PodIdentityRole;
  public readonly ebsCsiDriver: PodIdentityRole;
  public readonly externalDns: PodIdentityRole;
  public readonly loadBalancerController: PodIdentityRole;
  /** Only with Argo CD: every region's hub uses it to assume its own spokes' roles. */
  public readonly argocd?: PodIdentityRole;

  constructor(name: string, args: FleetAddonRolesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:iam:FleetAddonRoles", name, {}, opts);
    const { fleet } = args;
    const parent = { parent: this };
    const subject = (agent: names.AgentName) => ({ namespace: names.AGENTS[agent].namespace, serviceAccounts: [names.AGENTS[agent].serviceAccount] });

    this.karpenter = new PodIdentityRole(`${name}-karpenter`, {
      fleet,
      agentRole: names.AGENTS.karpenter.role,
      subject: subject("karpenter"),
      // Its EC2 calls stay in the cluster's region, as a per-cluster role's regional ARNs kept them.
      statements: [...karpenterStatements({ accountId: fleet.accountId }), onlyTheClusterRegion(["ec2:*"])],
    }, parent);
    this.ebsCsiDriver = new PodIdentityRole(`${name}-ebs-csi-driver`, {
      fleet,
      agentRole: names.AGENTS.ebsCsiDriver.role,
      subject: subject("ebsCsiDriver"),
      statements: [...ebsCsiStatements(fleet.accountId), onlyTheClusterRegion(["ec2:*"])],
    }, parent);
    this.externalDns = new PodIdentityRole(`${name}-external-dns`, {
      fleet,
      agentRole: names.AGENTS.externalDns.role,
      subject: subject("externalDns"),
      statements: externalDnsStatements(fleet),
    }, parent);
    this.loadBalancerController = new PodIdentityRole(`${name}-load-balancer-controller`, {
      fleet,
      agentRole: names.AGENTS.loadBalancerController.role,
      subject: subject("loadBalancerController"),
      statements: loadBalancerControllerStatements(fleet.accountId),
    }, parent);
    if (fleet.gitops.engine === "argocd") {
      // Which spokes a hub may manage is decided by each spoke role's trust (its own hub's cluster tag).
      this.argocd = new PodIdentityRole(`${name}-argocd`, {
        fleet,
        agentRole: names.AGENTS.argocd.role,
        subject: { namespace: names.AGENTS.argocd.namespace, serviceAccounts: ARGOCD_SERVICE_ACCOUNTS },
        statements: [{ Sid: "AssumeSpokeRoles", Effect: "Allow", Action: ["sts:AssumeRole", "sts:TagSession"], Resource: names.roleArn(fleet.accountId, spokeRoleNamePattern(fleet)) }],
      }, parent);
    }
    this.registerOutputs({});
  }
}
