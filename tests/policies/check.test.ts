import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { main } from "../../cli/check";
import { UsageError } from "../../cli/errors";
import { goodTree, writeTree } from "./tree-fixture";
import { changed, resource } from "./harness";
import { main as plan } from "../../cli/plan";
import { CURRENT_VERSION, fleetConfig, writeStackFile } from "../fixtures/fleets";
import { tempDir } from "../support/temp-dirs";

const ROOT = path.resolve(__dirname, "../..");

/** `npm run check` as a user runs it: the exit code and what it prints are the contract. */
function check(...args: string[]) {
  const run = spawnSync(process.execPath, ["-r", path.join(ROOT, "cli/register.js"), path.join(ROOT, "cli/check.ts"), ...args], { cwd: ROOT, encoding: "utf8" });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

function writePlan(resources: object[]): string {
  const file = path.join(tempDir("plan-"), "plan.json");
  fs.writeFileSync(file, JSON.stringify({ stack: "prod", resources, violations: [] }));
  return file;
}

/** An unversioned bucket, a world-open endpoint and a wildcard IAM statement. */
const brokenPlan = () =>
  writePlan([
    resource("aws:s3/bucket:Bucket", "scratch", { bucket: "prod-scratch" }, { id: "prod-scratch" }),
    resource("aws:eks/cluster:Cluster", "use1-eks-cluster", {
      version: CURRENT_VERSION, encryptionConfig: { resources: ["secrets"], provider: { keyArn: "k" } },
      accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
      enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
      vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] },
    }),
    resource("aws:iam/policy:Policy", "velero", { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] }) }),
  ]);

/** A leaked Secret, cluster-admin for system:authenticated and RBAC drift between two clusters. */
const brokenTree = () =>
  writeTree(
    changed(goodTree(), (f) => {
      f["clusters/use1/apps/secret-db.yaml"] = { apiVersion: "v1", kind: "Secret", metadata: { name: "db", namespace: "payments" } };
      f["clusters/use1/platform/crb-everyone.yaml"] = {
        apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: { name: "everyone-admin" },
        roleRef: { kind: "ClusterRole", name: "cluster-admin" }, subjects: [{ kind: "Group", name: "system:authenticated" }],
      };
      f["clusters/usw2/platform/rolebinding-payments-admins.yaml"].roleRef.name = "edit";
    }),
  );

describe("npm run check", () => {
  it("exits 0 on a clean plan and tree", async () => {
    const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      expect(await main(["--plan", writePlan([]), "--gitops", writeTree(goodTree())])).toBe(0);
      expect(log).toHaveBeenCalledWith("Policies: no violations");
    } finally {
      log.mockRestore();
    }
  });

  it("exits 1 on a broken plan and tree, naming each resource and file", async () => {
    // In this process: the command line's start-up and exit path are the bad-input test's below.
    const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
    let code: number;
    let out: string;
    try {
      code = await main(["--plan", brokenPlan(), "--gitops", brokenTree()]);
      out = log.mock.calls.map((args) => args.join(" ")).join("\n");
    } finally {
      log.mockRestore();
    }
    expect(code).toBe(1);
    const rows = out.split("\n");
    const row = (rule: string, where: string) => rows.find((r) => r.startsWith(rule) && r.includes(where));
    expect(row("s3-bucket-versioned", "aws:s3/bucket:Bucket::scratch")).toMatch(/mandatory .*Bucket 'prod-scratch': versioning is not enabled/);
    expect(row("eks-endpoint-not-public", "aws:eks/cluster:Cluster::use1-eks-cluster")).toMatch(/public to the world \(0\.0\.0\.0\/0\)/);
    expect(row("iam-no-data-plane-wildcard", "aws:iam/policy:Policy::velero")).toMatch(/allows s3:\* on Resource "\*"/);
    expect(row("manifests-no-secret", "clusters/use1/apps/secret-db.yaml")).toBeDefined();
    expect(row("rbac-no-broad-subject", "clusters/use1/platform/crb-everyone.yaml")).toMatch(/system:authenticated/);
    expect(row("rbac-no-cluster-admin-binding", "clusters/use1/platform/crb-everyone.yaml")).toMatch(/binds cluster-admin to Group system:authenticated/);
    // The drifted copy is reported against the majority: with two clusters, the first by name.
    expect(row("manifests-fleet-consistent", "clusters/usw2/platform/rolebinding-payments-admins.yaml")).toMatch(/differs from cluster use1/);
    expect(row("manifests-fleet-consistent", "clusters/usw2/platform/crb-everyone.yaml")).toMatch(/not in cluster usw2/);
  });

  it("with --stack, exits 1 on any file that differs from a fresh render of the fleet model (a forged override record too)", async () => {
    const tree = path.join(tempDir("fresh-"), "gitops");
    fs.cpSync(path.join(ROOT, "gitops"), tree, { recursive: true });
    const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      expect(await main(["--gitops", tree, "--stack", "prod"])).toBe(0);
      fs.writeFileSync(path.join(tree, "overrides.json"), JSON.stringify({ overrides: [], placements: [] }));
      expect(await main(["--gitops", tree, "--stack", "prod"])).toBe(1);
      expect(log.mock.calls.at(-1)![0]).toMatch(/^manifests-fresh-render +mandatory +overrides\.json +overrides\.json differs from a fresh render of Pulumi\.prod\.yaml/m);
    } finally {
      log.mockRestore();
    }
  });

  describe("every evasion exits 1, naming the file and the rule", () => {
    const P = "clusters/use1/platform";
    const secret = { apiVersion: "v1", kind: "Secret", metadata: { name: "db", namespace: "payments" }, stringData: { password: "hunter2" } };
    const kustomization = (extra: object, resources?: string[]) => ({
      apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization",
      resources: resources ?? Object.keys(goodTree()).filter((f) => path.posix.dirname(f) === P).map((f) => path.posix.basename(f)).sort(), ...extra,
    });
    const evasions: [string, Record<string, unknown>, string, string][] = [
      ["a Secret in a kind: List", { [`${P}/list.yaml`]: { apiVersion: "v1", kind: "List", items: [secret] } }, "manifests-no-secret", `${P}/list.yaml`],
      ["a Secret in a .json file", { [`${P}/db.json`]: JSON.stringify(secret) }, "manifests-no-secret", `${P}/db.json`],
      ["a secretGenerator", { [`${P}/kustomization.yaml`]: kustomization({ secretGenerator: [{ name: "db", literals: ["password=x"] }] }) }, "manifests-closed-world", `${P}/kustomization.yaml`],
      ["a ../ resource", { [`${P}/kustomization.yaml`]: kustomization({}, ["../secret.yaml"]), "clusters/use1/secret.yaml": secret }, "manifests-closed-world", `${P}/kustomization.yaml`],
      ["a remote base", { [`${P}/kustomization.yaml`]: kustomization({}, ["https://github.com/acme/evil//base"]) }, "manifests-closed-world", `${P}/kustomization.yaml`],
      ["a $patch: delete of default-deny", { [`${P}/kustomization.yaml`]: kustomization({ patches: [{ patch: "$patch: delete\nkind: NetworkPolicy\nmetadata: {name: default-deny, namespace: payments}" }] }) }, "manifests-closed-world", `${P}/kustomization.yaml`],
      ["a JSON 6902 patch rebinding a role", { [`${P}/kustomization.yaml`]: kustomization({ patchesJson6902: [{ target: { kind: "RoleBinding", name: "payments-admins" }, path: "p.json" }] }) }, "manifests-closed-world", `${P}/kustomization.yaml`],
      ["a file dropped from resources:", { [`${P}/kustomization.yaml`]: kustomization({}, ["namespace-payments.yaml"]) }, "manifests-closed-world", `${P}/networkpolicy-payments-default-deny.yaml`],
      ["a plaintext Secret no agent applies", { "docs/leak.txt": YAML.stringify(secret) }, "manifests-no-secret", "docs/leak.txt"],
      // Bigger than the 1 MiB the Secret scan once stopped at: every file is scanned whole.
      ["a Secret in a listed file of 2 MiB", { [`${P}/big.yaml`]: `# ${"x".repeat(2 << 20)}\n${YAML.stringify(secret)}` }, "manifests-no-secret", `${P}/big.yaml`],
    ];
    it.each(evasions)("%s", async (_, extra, rule, file) => {
      const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
      try {
        expect(await main(["--gitops", writeTree({ ...goodTree(), ...extra } as Record<string, object>)])).toBe(1);
        const rows = String(log.mock.calls.at(-1)![0]).split("\n");
        expect(rows.find((r) => r.startsWith(`${rule} `) && r.includes(` ${file} `))).toBeDefined();
      } finally {
        log.mockRestore();
      }
    });
  });

  it("exits 2 on bad input, one line per problem", async () => {
    const dir = tempDir("bad-");
    fs.writeFileSync(path.join(dir, "plan.json"), "{ not json");
    expect(check("--plan", path.join(dir, "plan.json"))).toMatchObject({ code: 2, err: expect.stringMatching(/^--plan: .*plan\.json: not valid JSON/) });
    await expect(main(["--plan", path.join(dir, "missing.json")])).rejects.toThrow(/missing\.json: file not found/);
    await expect(main(["--plan", writePlan([{ type: "aws:s3/bucket:Bucket" }])])).rejects.toThrow(/resources\[0\] needs urn, type, name and inputs/);
    await expect(main(["--gitops", path.join(dir, "nope")])).rejects.toThrow(/no such directory/);
    await expect(main([])).rejects.toThrow(UsageError);
  });
});

describe("npm run check over a per-cluster fleet's plan", () => {
  let folder: string;
  beforeAll(async () => {
    folder = tempDir("stacks-");
    const stackFile = writeStackFile(path.join(folder, "Pulumi.prod.yaml"), fleetConfig(2, { stacks: "per-cluster" }));
    const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
    expect(await plan(["--config", stackFile, "--out", path.join(folder, "out")])).toBe(0);
    log.mockRestore();
  });

  it("judges each stack with its own pack config from the plan's folder, and fails closed without it", async () => {
    const out = path.join(folder, "out");
    const printed = jest.spyOn(console, "log").mockImplementation(() => undefined);
    expect(await main(["--plan", path.join(out, "plan.json"), "--policy-config", out])).toBe(0);
    // One config for every stack: each cluster stack's bucket, whose replication is in a links stack, fails.
    expect(await main(["--plan", path.join(out, "plan.json")])).toBe(1);
    expect(printed.mock.calls.at(-1)![0]).toMatch(/s3-backup-replicated\s+mandatory\s+urn:pulumi:prod\.c0::/);
    printed.mockRestore();
    fs.rmSync(path.join(out, "policy-config.prod.c1.json"));
    await expect(main(["--plan", path.join(out, "plan.json"), "--policy-config", out])).rejects.toThrow(/policy-config\.prod\.c1\.json: no pack config for stack prod\.c1/);
  });
});
