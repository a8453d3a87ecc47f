import { evaluateProgram } from "../../cli/engine/evaluate";
import { fleetConfig, stackConfig } from "../fixtures/fleets";

const PRIVATE = { repoUrl: "ssh://git@github.com/acme/platform.git", secretRef: "git-deploy-key" };

describe("a private repository: gitops.secretRef names a Secret created out of band", () => {
  it("Flux's GitRepository reads its credentials from that Secret", async () => {
    const raw = fleetConfig(2);
    raw.gitops = { ...raw.gitops, ...PRIVATE };
    const ev = await evaluateProgram(stackConfig(raw), "123456789012");
    const sources = ev.resources.filter((r) => r.type === "kubernetes:source.toolkit.fluxcd.io/v1:GitRepository");
    expect(sources).toHaveLength(2);
    for (const s of sources) expect(s.inputs.spec).toMatchObject({ url: PRIVATE.repoUrl, secretRef: { name: "git-deploy-key" } });
  });

  it("Argo CD gets it as repository credentials: label and url added, no key material in Pulumi", async () => {
    const raw = fleetConfig(2);
    raw.gitops = { ...raw.gitops, ...PRIVATE, engine: "argocd" };
    const ev = await evaluateProgram(stackConfig(raw), "123456789012");
    const patches = ev.resources.filter((r) => r.type === "kubernetes:core/v1:SecretPatch");
    // One on each region's hub (c0 in us-east-1, c1 in us-west-2): both pull the repository.
    expect(patches.map((p) => p.name)).toEqual(["c0-argocd-repository", "c1-argocd-repository"]);
    for (const { inputs } of patches) {
      const patch = inputs as { metadata: any; data: Record<string, string> };
      expect(patch.metadata).toEqual({ name: "git-deploy-key", namespace: "argocd", labels: { "argocd.argoproj.io/secret-type": "repository" } });
      expect(Object.keys(patch.data).sort()).toEqual(["type", "url"]);
      expect(Buffer.from(patch.data.url, "base64").toString()).toBe(PRIVATE.repoUrl);
    }
  });
});
