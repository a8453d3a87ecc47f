import { names } from "../../fleet";
import { evaluateTree } from "../../policies/evaluate";
import { ManifestTree } from "../../policies/manifests";
import { karpenterAmiPinned } from "../../policies/node-images";
import { KARPENTER_AMI_ALIAS } from "../../charts/platform/autoscaling";
import { find, fleetOf, objectsOf, render } from "../charts/render-helpers";
import { changed } from "./harness";

const FILE = "clusters/c0/platform/ec2nodeclass-default.yaml";

describe("karpenter-ami-pinned", () => {
  // The EC2NodeClass as the fleet renders it.
  const rendered = find(objectsOf(render(fleetOf(2)), "c0"), "EC2NodeClass", names.KARPENTER_OBJECTS.nodeClass);
  const tree = (nodeClass: Record<string, any>): ManifestTree => ({ clusters: ["c0"], objects: [{ file: FILE, cluster: "c0", layer: "platform", object: nodeClass }] });
  const messages = (nodeClass: Record<string, any>) => evaluateTree(tree(nodeClass), [karpenterAmiPinned]).map((v) => v.message);

  it("passes the rendered node class, which boots the pinned AL2023 release", () => {
    expect(rendered.spec.amiSelectorTerms).toEqual([{ alias: KARPENTER_AMI_ALIAS }]);
    expect(messages(rendered)).toEqual([]);
    expect(messages(changed(rendered, (o) => (o.spec.amiSelectorTerms = [{ id: "ami-0123456789abcdef0" }, { alias: "bottlerocket@v1.20.4" }])))).toEqual([]);
  });

  it.each([
    ["@latest", { alias: "al2023@latest" }],
    ["an alias without a version", { alias: "al2023" }],
    ["a name search", { name: "amazon-eks-node-al2023-x86_64-standard-1.35-*" }],
    ["a tag search", { tags: { team: "platform" } }],
    ["an alias beside a tag search", { alias: "al2023@v20260714", tags: { team: "platform" } }],
  ])("refuses %s", (_, term) => {
    expect(messages(changed(rendered, (o) => (o.spec.amiSelectorTerms = [term])))).toEqual([
      `EC2NodeClass '${rendered.metadata.name}' amiSelectorTerms[0] ${JSON.stringify(term)} is not pinned: each new AMI would replace every node. Select { alias: "<family>@v<release>" } (a release from the EKS AMI release notes) or { id: "ami-…" }.`,
    ]);
  });

  it("refuses a node class that selects no AMI", () => {
    expect(messages(changed(rendered, (o) => delete o.spec.amiSelectorTerms))).toEqual([
      `EC2NodeClass '${rendered.metadata.name}' selects no AMI. Set amiSelectorTerms: [{ alias: "al2023@v<release>" }] with a release from the EKS AMI release notes.`,
    ]);
  });
});
