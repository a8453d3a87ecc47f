import { PROTECTED_SERVICE_ACCOUNTS } from "./allow-list";
import { kindOf, ManifestPolicy, nameOf } from "./manifests";
import { podSpecOf } from "./pod-security";

/**
 * Who a workload runs as. A pod takes the rights (and the IAM role, through IRSA) of its
 * service account; the agents' accounts hold cluster-wide rights from their charts, and the
 * secrets reader's role reads its namespace's secrets.
 */
export const ownServiceAccount: ManifestPolicy = {
  name: "workloads-own-service-account",
  description: "Checks whether no workload runs as an agent's or add-on's service account, a GitOps layer's, or a namespace's secrets reader (serviceAccountName or the deprecated serviceAccount).",
  enforcementLevel: "mandatory",
  validateTree: (tree, reportViolation) => {
    for (const o of tree.objects) {
      const pod = podSpecOf(o);
      if (!pod) continue;
      // The API server uses serviceAccountName, else the deprecated serviceAccount: both are read.
      const accounts = [pod.serviceAccountName, pod.serviceAccount].filter((a): a is string => typeof a === "string" && PROTECTED_SERVICE_ACCOUNTS.includes(a));
      for (const account of new Set(accounts)) {
        reportViolation(
          `${kindOf(o)} '${o.object.metadata?.namespace ?? "default"}/${nameOf(o)}' in cluster ${o.cluster} runs as service account '${account}', which belongs to an agent, a GitOps layer or the namespace's secrets reader: the pod would act with its rights and IAM role. Give the workload a service account of its own.`,
          o.file,
        );
      }
    }
  },
};

export const workloadPolicies: ManifestPolicy[] = [ownServiceAccount];
