import { ResourceValidationPolicy } from "@pulumi/policy";
import {
  daysOfStandardSupportLeft, eksVersion, minorOf, STANDARD_SUPPORT_WARNING_DAYS, standardVersions, supportPhase, versionProblem,
} from "../fleet/versions";
import { EKS_CLUSTER } from "./eks";
import { known, present, validateResourceOfTypes } from "./support";

/**
 * Kubernetes versions judged against EKS's release calendar (fleet/versions.ts) on the day
 * the rules run: a version that was fine at merge time leaves standard support months later,
 * and the next plan says so. Tests pass their own clock.
 */
export type Clock = () => Date;

/** Per cluster-hour, EKS pricing: standard support $0.10, extended support $0.60. */
const EXTENDED_PRICE = "$0.60 instead of $0.10 per cluster-hour";

const nextMinor = (version: string) => `1.${(minorOf(version) ?? 0) + 1}`;
const supportTypeOf = (props: Record<string, any>) => known(() => props.upgradePolicy?.supportType) as string | undefined;

export function versionPolicies(now: Clock = () => new Date()): ResourceValidationPolicy[] {
  const inStandardSupport: ResourceValidationPolicy = {
    name: "eks-version-standard-support",
    description: "Checks whether EKS clusters pin a Kubernetes version EKS offers today and, unless the stack opted in to extended support, one still in standard support.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfTypes([EKS_CLUSTER], (props, _args, reportViolation) => {
      const today = now();
      const standard = standardVersions(today).join(", ") || "none listed in fleet/versions.ts: add EKS's newer versions";
      if (!present(() => props.version)) {
        reportViolation(`No Kubernetes version is pinned, so EKS picks one. Set version (fleet key kubernetesVersion) to one in standard support (${standard}).`);
        return;
      }
      const version = known(() => props.version);
      if (typeof version !== "string") return; // decided at deploy
      const phase = supportPhase(version, today);
      if (phase === "standard") return;
      if (phase !== "extended") {
        reportViolation(`Kubernetes version ${versionProblem(version, today)}.`);
        return;
      }
      const supportType = supportTypeOf(props);
      if (supportType === "EXTENDED") return; // opted in: the advisory rule names the price
      const row = eksVersion(version)!;
      const consequence =
        supportType === "STANDARD"
          ? "with upgradePolicy STANDARD, EKS upgrades the control plane on its own, behind this program"
          : `the cluster bills extended support (${EXTENDED_PRICE}) until ${row.endOfExtended}`;
      reportViolation(
        `Kubernetes ${version} left EKS standard support on ${row.endOfStandard}: ${consequence}. Upgrade one minor version at a time (next: ${nextMinor(version)}) to one in standard support (${standard}), or opt in with fleet key extendedSupport: true.`,
      );
    }),
  };

  const supportEnding: ResourceValidationPolicy = {
    name: "eks-version-support-ending",
    description: `Warns in the last ${STANDARD_SUPPORT_WARNING_DAYS} days of a Kubernetes version's EKS standard support, and while a stack that opted in runs on extended support.`,
    enforcementLevel: "advisory",
    validateResource: validateResourceOfTypes([EKS_CLUSTER], (props, _args, reportViolation) => {
      const version = known(() => props.version);
      if (typeof version !== "string") return;
      const today = now();
      const row = eksVersion(version);
      const phase = supportPhase(version, today);
      const left = daysOfStandardSupportLeft(version, today);
      if (phase === "standard" && left <= STANDARD_SUPPORT_WARNING_DAYS) {
        reportViolation(
          `Kubernetes ${version} leaves EKS standard support on ${row!.endOfStandard} (in ${left} days); from then on the plan fails unless the stack opts in to extended support (${EXTENDED_PRICE}). Upgrade to ${nextMinor(version)} before then.`,
        );
      } else if (phase === "extended" && supportTypeOf(props) === "EXTENDED") {
        reportViolation(
          `Kubernetes ${version} runs on EKS extended support (${EXTENDED_PRICE}) until ${row!.endOfExtended}, when EKS upgrades the control plane itself. Upgrade one minor version at a time (next: ${nextMinor(version)}).`,
        );
      }
    }),
  };

  return [inStandardSupport, supportEnding];
}
