import { PlanResource } from "../plan-document";
import { valueAt } from "./values";

const KUSTOMIZATION = "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization";
const APPLICATION_SET = "kubernetes:argoproj.io/v1alpha1:ApplicationSet";
const APPLICATION = "kubernetes:argoproj.io/v1alpha1:Application";

/** Why deleting a resource of this type loses something; undefined when it holds no state. */
export function deletionLoss(r: PlanResource): string | undefined {
  const i = r.inputs as Record<string, any>;
  switch (r.type) {
    case "aws:s3/bucket:Bucket":
      return `deletes bucket \`${i.bucket ?? r.name}\` and every object version in it`;
    case "aws:secretsmanager/secret:Secret":
      return `deletes secret \`${i.name ?? r.name}\` (recoverable only within its recovery window)`;
    case "aws:kms/key:Key":
      return `schedules KMS key deletion (${i.deletionWindowInDays ?? 30} days): whatever it encrypts becomes unreadable`;
    case "aws:cloudwatch/logGroup:LogGroup":
      return `deletes log group \`${i.name ?? r.name}\` and its logs`;
    case "eks:index:Cluster":
    case "aws:eks/cluster:Cluster":
      return `deletes EKS cluster \`${i.name ?? r.name}\` and everything running in it`;
    case KUSTOMIZATION:
      // fluxcd/kustomize-controller docs/spec/v1/kustomizations.md, "Prune" and "Deletion policy": deleting a pruning
      // Kustomization garbage-collects what it applied, unless its deletion policy orphans it.
      return valueAt(i, "spec.prune") === true && valueAt(i, "spec.deletionPolicy") !== "Orphan"
        ? `deletes Flux Kustomization \`${valueAt(i, "metadata.name")}\` with \`prune: true\`: Flux deletes every object it applied (namespaces, CRDs and their resources)`
        : undefined;
    case APPLICATION_SET:
    case APPLICATION: {
      // argoproj/argo-cd: generated Applications carry the resources finalizer unless preserveResourcesOnDeletion.
      const preserved = valueAt(i, "spec.syncPolicy.preserveResourcesOnDeletion") === true;
      const prune = valueAt(i, "spec.template.spec.syncPolicy.automated.prune") === true || valueAt(i, "spec.syncPolicy.automated.prune") === true;
      return !preserved
        ? `deletes Argo CD ${r.type === APPLICATION ? "Application" : "ApplicationSet"} \`${valueAt(i, "metadata.name")}\`${prune ? " (automated prune)" : ""}: its Applications' finalizer deletes what they applied`
        : undefined;
    }
    default:
      return undefined;
  }
}

/** One line for a deleted stateful resource: what is lost, or why nothing is and how to really delete it. */
export function deletionText(r: PlanResource, loss: string): string {
  if (r.protect) return `\`${r.name}\` ${loss} — **protected**: \`pulumi up\` fails until \`pulumi state unprotect '${r.urn}'\``;
  if (r.retainOnDelete) {
    const bucket = r.type === "aws:s3/bucket:Bucket" ? ` \`s3://${(r.inputs as any).bucket}\`` : "";
    return `\`${r.name}\`${bucket} leaves the stack but stays in AWS (\`retainOnDelete\`), with its data; to really delete it see docs/RUNBOOK.md ("Removing a cluster")`;
  }
  return `\`${r.name}\` ${loss}`;
}

