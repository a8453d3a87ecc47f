import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { EXTERNAL_SECRETS_LOCKDOWN } from "../../components/external-secrets";
import * as names from "../../fleet/names";
import { FLUX_LOCKDOWN_VALUES } from "../../components/flux-lockdown";
import { accessEntryGroups, argocdProject, externalSecretsLockdown, fluxLayerAccount, fluxLockdown } from "../../policies/gitops-agents";
import { gitopsTree, treePartsOf, treeRootsOf } from "../../policies/gitops-tree";
import { stackArgs } from "../../policies/evaluate";
import { tempDir } from "../support/temp-dirs";
import { changed, resource, resourceMessages, stackMessages } from "./harness";

const ROOT = path.resolve(__dirname, "../..");
const release = (chart: string, values: object) => resource("kubernetes:helm.sh/v3:Release", `c0-${chart}`, { chart, values });
const kustomization = (spec: object) => resource("kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization", "c0-flux-platform", { metadata: { name: "platform", namespace: "flux-system" }, spec });

describe("the agents' lockdown, as the program installs them", () => {
  it("flux-multitenancy-lockdown: passes the fleet's values, and names each missing part", async () => {
    expect(await resourceMessages(fluxLockdown, release("flux2", FLUX_LOCKDOWN_VALUES))).toEqual([]);
    const open = changed(FLUX_LOCKDOWN_VALUES, (v) => {
      v.multitenancy.privileged = true;
      v.kustomizeController.container.additionalArgs = [];
    });
    expect(await resourceMessages(fluxLockdown, release("flux2", open))).toEqual([
      "Flux is not locked down: multitenancy.privileged is not false (the controllers keep cluster-admin); kustomizeController.container.additionalArgs lacks --no-remote-bases=true. Use components/flux-lockdown.ts FLUX_LOCKDOWN_VALUES.",
    ]);
    expect(await resourceMessages(fluxLockdown, release("flux2", {}))).toHaveLength(1);
    expect(await resourceMessages(fluxLockdown, release("velero", {}))).toEqual([]);
  });

  it("flux-layer-service-account: a Kustomization without its own account, or with another namespace's source", async () => {
    const sourceRef = { kind: "GitRepository", name: "fleet" };
    expect(await resourceMessages(fluxLayerAccount, kustomization({ path: "./x", sourceRef, serviceAccountName: "fleet-platform" }))).toEqual([]);
    expect(await resourceMessages(fluxLayerAccount, kustomization({ path: "./x", sourceRef }))).toEqual([expect.stringMatching(/^The Kustomization names no serviceAccountName/)]);
    expect(await resourceMessages(fluxLayerAccount, kustomization({ path: "./x", sourceRef: { ...sourceRef, namespace: "tenant" }, serviceAccountName: "default" }))).toEqual([
      expect.stringMatching(/applies as 'default'/),
      expect.stringMatching(/uses a source in namespace 'tenant'/),
    ]);
  });

  it("flux-layer-service-account: a layer's folder applied as another layer's account (the traffic switch with the platform's rights)", async () => {
    const sourceRef = { kind: "GitRepository", name: "fleet" };
    const traffic = (serviceAccountName: string) => kustomization({ path: "./gitops/clusters/use1/traffic", sourceRef, serviceAccountName });
    expect(await resourceMessages(fluxLayerAccount, traffic(names.fluxLayerServiceAccount("traffic")))).toEqual([]);
    expect(await resourceMessages(fluxLayerAccount, traffic(names.fluxLayerServiceAccount("platform")))).toEqual([
      `The Kustomization applies the traffic layer as '${names.fluxLayerServiceAccount("platform")}', not as that layer's account '${names.fluxLayerServiceAccount("traffic")}': it would write with another layer's rights (components/flux-lockdown.ts).`,
    ]);
    // A folder that is no layer of the tree (a user's own Kustomization) only needs an account of its own.
    expect(await resourceMessages(fluxLayerAccount, kustomization({ path: "./tools", sourceRef, serviceAccountName: "tools" }))).toEqual([]);
  });

  it("argocd-layer-project: a layer's Applications in another layer's project (the traffic switch with the platform's kinds)", async () => {
    const set = (project: string) => resource("kubernetes:argoproj.io/v1alpha1:ApplicationSet", "c0-argocd-fleet-traffic", {
      spec: { template: { spec: { project, source: { path: '{{index .metadata.annotations "gitops_traffic_path"}}' } } } },
    });
    expect(await resourceMessages(argocdProject, set(names.argocdLayerProject("traffic")))).toEqual([]);
    expect(await resourceMessages(argocdProject, set(names.argocdLayerProject("platform")))).toEqual([
      `The ApplicationSet applies the traffic layer in project '${names.argocdLayerProject("platform")}', not in that layer's '${names.argocdLayerProject("traffic")}': it would apply with another layer's kinds and namespaces (components/argocd-projects.ts).`,
    ]);
    const app = (project: string) => resource("kubernetes:argoproj.io/v1alpha1:Application", "use1-traffic", { spec: { project, source: { path: "gitops/clusters/use1/traffic" } } });
    expect(await resourceMessages(argocdProject, app(names.argocdLayerProject("apps")))).toHaveLength(1);
  });

  it("argocd-layer-project: an ApplicationSet or Application in the default project", async () => {
    const set = (project?: string) => resource("kubernetes:argoproj.io/v1alpha1:ApplicationSet", "c0-argocd-fleet-apps", { spec: { template: { spec: { project } } } });
    expect(await resourceMessages(argocdProject, set("fleet-apps"))).toEqual([]);
    expect(await resourceMessages(argocdProject, set("default"))).toEqual(["The ApplicationSet uses the 'default' project, which allows every repository, destination and kind. Use the layer's AppProject (components/argocd-projects.ts)."]);
    expect(await resourceMessages(argocdProject, resource("kubernetes:argoproj.io/v1alpha1:Application", "x", { spec: { source: {} } }))).toHaveLength(1);
  });

  it("external-secrets-lockdown: aggregation, token creation, cluster-wide stores", async () => {
    expect(await resourceMessages(externalSecretsLockdown, release("external-secrets", EXTERNAL_SECRETS_LOCKDOWN))).toEqual([]);
    const [message] = await resourceMessages(externalSecretsLockdown, release("external-secrets", { installCRDs: true }));
    expect(message).toMatch(/rbac\.aggregateToAdmin is not false .*rbac\.serviceAccountTokenCreate is not false .*processClusterStore is not false/);
  });

  it("eks-access-entry-no-system-group: system:masters through an access entry", async () => {
    const entry = (kubernetesGroups: string[]) => resource("aws:eks/accessEntry:AccessEntry", "e", { principalArn: "arn:aws:iam::123456789012:role/x", kubernetesGroups });
    expect(await resourceMessages(accessEntryGroups, entry(["payments-admins"]))).toEqual([]);
    expect(await resourceMessages(accessEntryGroups, entry(["payments-admins", "system:masters"]))).toEqual([expect.stringMatching(/maps it to system:masters/)]);
  });
});

describe("gitops-tree-manifest-rules, the manifest rules under pulumi preview", () => {
  const fluxLayer = (p: string) => kustomization({ path: p, sourceRef: { kind: "GitRepository", name: "fleet" }, serviceAccountName: "fleet-platform" });
  const argoSpoke = resource("kubernetes:core/v1:Secret", "c1-argocd-spoke-registration-c0", { metadata: { annotations: { gitops_platform_path: "trees/prod/clusters/c1/platform", gitops_apps_path: "trees/prod/clusters/c1/apps" } } });

  it("finds the trees the agents apply, from Flux paths and Argo CD cluster Secrets", () => {
    expect(treeRootsOf(stackArgs([fluxLayer("./gitops/clusters/use1/platform"), fluxLayer("./gitops/clusters/use1/apps"), argoSpoke]).resources)).toEqual(["gitops", "trees/prod"]);
    expect(treePartsOf(stackArgs([fluxLayer("./gitops/clusters/use1/platform"), fluxLayer("./gitops/clusters/usw2/apps"), argoSpoke]).resources)).toEqual(
      new Map([["gitops", ["use1", "usw2"]], ["trees/prod", ["c1"]]]),
    );
  });

  it("judges the part of the tree the stack's agents apply: another cluster's folder is its own stack's, the whole tree the stack's that applies every folder", async () => {
    const repository = tempDir("repo-");
    fs.cpSync(path.join(ROOT, "gitops"), path.join(repository, "gitops"), { recursive: true });
    // A Secret in usw2's folder, and a stray file beside the clusters.
    const secret = { apiVersion: "v1", kind: "Secret", metadata: { name: "leak", namespace: "payments" }, stringData: { password: "x" } };
    fs.writeFileSync(path.join(repository, "gitops/clusters/usw2/apps/leak.yaml"), YAML.stringify(secret));
    fs.writeFileSync(path.join(repository, "gitops/notes.yaml"), YAML.stringify(secret));
    const files = async (...clusters: string[]) =>
      [...new Set((await stackMessages(gitopsTree, clusters.map((c) => fluxLayer(`./gitops/clusters/${c}/apps`)), { repository })).map((f) => f.message.split(":")[0]))].sort();
    expect(await files("use1")).toEqual([]);
    expect(await files("usw2")).toEqual(["gitops/clusters/usw2/apps/leak.yaml"]);
    expect(await files("use1", "usw2")).toEqual(["gitops/clusters/usw2/apps/leak.yaml", "gitops/notes.yaml"]);
  });

  it("passes the committed tree, and reports an attacked one by file and rule", async () => {
    expect(await stackMessages(gitopsTree, [fluxLayer("./gitops/clusters/use1/platform")], { repository: ROOT })).toEqual([]);
    const repository = tempDir("repo-");
    fs.cpSync(path.join(ROOT, "gitops"), path.join(repository, "gitops"), { recursive: true });
    const layer = path.join(repository, "gitops/clusters/use1/platform");
    const webhook = { apiVersion: "admissionregistration.k8s.io/v1", kind: "MutatingWebhookConfiguration", metadata: { name: "spy" }, webhooks: [] };
    fs.writeFileSync(path.join(layer, "spy.yaml"), YAML.stringify(webhook));
    const kustomizationFile = path.join(layer, "kustomization.yaml");
    const listed = YAML.parse(fs.readFileSync(kustomizationFile, "utf8"));
    fs.writeFileSync(kustomizationFile, YAML.stringify({ ...listed, resources: [...listed.resources, "spy.yaml"] }));
    const found = await stackMessages(gitopsTree, [fluxLayer("./gitops/clusters/use1/platform")], { repository });
    expect(found.map((f) => f.message)).toContainEqual(expect.stringMatching(/^gitops\/clusters\/use1\/platform\/spy\.yaml: manifests-allowed-kinds: MutatingWebhookConfiguration 'spy'/));
  });

  it("reports an agent that applies a folder which is no layer folder of a tree: nothing would judge what it applies", async () => {
    // The repository's root, a cluster's whole folder, the raw replicated files, a path out of the tree, a folder named like no layer.
    const outside = ["./", "./gitops/clusters/use1", "./replicated/apps", "./gitops/clusters/use1/../../../replicated/apps", "./gitops/clusters/use1/extra", "gitops/clusters/../clusters/use1/apps"];
    for (const folder of outside) {
      const found = await stackMessages(gitopsTree, [fluxLayer("./gitops/clusters/use1/platform"), fluxLayer(folder)], { repository: ROOT });
      expect([folder, found.map((f) => f.message)]).toEqual([folder, [expect.stringContaining(`applies ${folder}, which is no layer folder`)]]);
    }
    const annotated = resource("kubernetes:core/v1:Secret", "c1-argocd-spoke-registration-c0", { metadata: { annotations: { gitops_apps_path: "gitops/clusters/use1/../use1/apps" } } });
    expect((await stackMessages(gitopsTree, [annotated], { repository: ROOT })).map((f) => f.message)).toEqual([expect.stringContaining("which is no layer folder")]);
  });

  it("reports a tree the agents apply that is not there", async () => {
    expect(await stackMessages(gitopsTree, [fluxLayer("./gitops/clusters/use1/platform")], { repository: tempDir("empty-") })).toEqual([
      { urn: undefined, message: expect.stringMatching(/^The agents apply gitops\/, which is not a rendered tree in .*: run npm run synth/) },
    ]);
  });
});
