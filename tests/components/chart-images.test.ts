import { evaluateProgram, Evaluation } from "../../cli/engine/evaluate";
import { KARPENTER_AMI_ALIAS } from "../../charts/platform/autoscaling";
import { veleroImages } from "../../components/chart-images";
import { offeredVersions } from "../../fleet/versions";
import { fleetConfig, stackConfig } from "../fixtures/fleets";
import { KNOWN_AMI_RELEASES, KNOWN_IMAGES } from "../fixtures/known-images";

const RELEASE = "kubernetes:helm.sh/v3:Release";

describe("every pinned image exists on every Kubernetes version EKS offers", () => {
  let ev: Evaluation;
  beforeAll(async () => {
    ev = await evaluateProgram(stackConfig(fleetConfig(2)), "123456789012");
  });
  const versions = offeredVersions(new Date());

  it.each(versions)("Velero's release, its plugin and its CRD-upgrade job on %s", (version) => {
    const releases = ev.resources.filter((r) => r.type === RELEASE && r.inputs.name === "velero");
    expect(releases).toHaveLength(2);
    for (const release of releases) {
      const images = veleroImages(String(release.inputs.version), release.inputs.values as Record<string, any>, version);
      expect(images.filter((image) => !(image in KNOWN_IMAGES))).toEqual([]);
    }
  });

  it.each(versions)("Karpenter's pinned AMI release on %s", (version) => {
    const release = KARPENTER_AMI_ALIAS.split("@")[1];
    expect(KNOWN_AMI_RELEASES[release]?.versions).toContain(version);
  });

  it("would catch the kubectl image of Velero chart 11.4.0, which does not exist past 1.33", () => {
    const values = { initContainers: [] };
    expect(veleroImages("11.4.0", values, "1.33")).toContain("docker.io/bitnamilegacy/kubectl:1.33");
    expect(veleroImages("11.4.0", values, "1.35")).toContain("docker.io/bitnamilegacy/kubectl:1.35");
    expect("docker.io/bitnamilegacy/kubectl:1.35" in KNOWN_IMAGES).toBe(false);
    // Chart 12 pulls kubectl only for jobs the fleet leaves off; turned on, its tag is the API server's patch.
    expect(veleroImages("12.1.0", { cleanUpCRDs: true }, "1.35")).toContain("registry.k8s.io/kubectl:v1.35.<patch EKS runs>");
  });

  it("refuses a chart version whose templates were not read", () => {
    expect(() => veleroImages("99.0.0", {}, "1.35")).toThrow("the templates of Velero chart 99.0.0 were not read");
  });
});
