import { kindOf, ManifestPolicy, nameOf } from "./manifests";

/** `family@version` with a released version: AL2/AL2023 dates (`v20260714`), Bottlerocket semver (`v1.20.4`); never `latest`. */
const PINNED_ALIAS = /^[a-z0-9]+@v\d+(\.\d+)*$/;
const AMI_ID = /^ami-[0-9a-f]{8,17}$/;

/** A term that always selects the same AMIs: exactly one pinned alias, or exactly one AMI id. */
function pinned(term: unknown): boolean {
  if (!term || typeof term !== "object" || Array.isArray(term)) return false;
  const entries = Object.entries(term);
  if (entries.length !== 1) return false;
  const [key, value] = entries[0];
  return typeof value === "string" && ((key === "alias" && PINNED_ALIAS.test(value)) || (key === "id" && AMI_ID.test(value)));
}

/**
 * Nodes boot only AMIs someone chose. An `@latest` alias, or a name or tag search, picks up each
 * new AMI as it is published, and Karpenter then drifts and replaces every node of the cluster
 * (Karpenter docs, NodeClasses "spec.amiSelectorTerms": `latest` is not recommended in production).
 */
export const karpenterAmiPinned: ManifestPolicy = {
  name: "karpenter-ami-pinned",
  description: "Checks whether every Karpenter EC2NodeClass selects its AMIs by a pinned alias version (family@vYYYYMMDD) or an AMI id, never @latest or a name or tag search.",
  enforcementLevel: "mandatory",
  validateTree: (tree, reportViolation) => {
    for (const o of tree.objects) {
      if (kindOf(o) !== "EC2NodeClass" || !String(o.object.apiVersion ?? "").startsWith("karpenter.k8s.aws/")) continue;
      const terms: unknown = o.object.spec?.amiSelectorTerms;
      const list = Array.isArray(terms) ? terms : [];
      const moving = list.map((term, i) => ({ term, i })).filter(({ term }) => !pinned(term));
      if (list.length === 0) {
        reportViolation(`EC2NodeClass '${nameOf(o)}' selects no AMI. Set amiSelectorTerms: [{ alias: "al2023@v<release>" }] with a release from the EKS AMI release notes.`, o.file);
      }
      for (const { term, i } of moving) {
        reportViolation(
          `EC2NodeClass '${nameOf(o)}' amiSelectorTerms[${i}] ${JSON.stringify(term)} is not pinned: each new AMI would replace every node. Select { alias: "<family>@v<release>" } (a release from the EKS AMI release notes) or { id: "ami-…" }.`,
          o.file,
        );
      }
    }
  },
};
