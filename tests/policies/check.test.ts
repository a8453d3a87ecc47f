import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../cli/check";
import { UsageError } from "../../cli/errors";
import { goodTree, writeTree } from "./tree-fixture";
import { changed, resource } from "./harness";

const ROOT = path.resolve(__dirname, "../..");

/** `npm run check` as a user runs it: the exit code and the table are the contract. */
function check(...args: string[]) {
  const run = spawnSync(process.execPath, ["-r", path.join(ROOT, "cli/register.js"), path.join(ROOT, "cli/check.ts"), ...args], { cwd: ROOT, encoding: "utf8" });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

function writePlan(resources: object[]): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-")), "plan.json");
  fs.writeFileSync(file, JSON.stringify({ stack: "prod", resources, violations: [] }));
  return file;
}

/** An unversioned bucket, a world-open endpoint and a wildcard IAM statement. */
const brokenPlan = () =>
  writePlan([
    resource("aws:s3/bucket:Bucket", "scratch", { bucket: "prod-scratch" }, { id: "prod-scratch" }),
    resource("eks:index:Cluster", "use1-eks", {
      version: "1.33", encryptionConfigKeyArn: "k", authenticationMode: "API",
      enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
      endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"],
    }),
    resource("aws:iam/policy:Policy", "velero", { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] }) }),
  ]);

/** A leaked Secret, cluster-admin for system:authenticated and RBAC drift between two clusters. */
const brokenTree = () =>
  writeTree(
    changed(goodTree(), (f) => {
      f["clusters/use1/apps/payments/secret-db.yaml"] = { apiVersion: "v1", kind: "Secret", metadata: { name: "db", namespace: "payments" } };
      f["clusters/use1/platform/crb-everyone.yaml"] = {
        apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: { name: "everyone-admin" },
        roleRef: { kind: "ClusterRole", name: "cluster-admin" }, subjects: [{ kind: "Group", name: "system:authenticated" }],
      };
      f["clusters/usw2/platform/payments/rolebinding-admins.yaml"].roleRef.name = "edit";
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

  it("exits 1 on a broken plan and tree, naming each resource and file", () => {
    const { code, out } = check("--plan", brokenPlan(), "--gitops", brokenTree());
    expect(code).toBe(1);
    const rows = out.split("\n");
    const row = (rule: string, where: string) => rows.find((r) => r.startsWith(rule) && r.includes(where));
    expect(row("s3-bucket-versioned", "aws:s3/bucket:Bucket::scratch")).toMatch(/mandatory .*Bucket 'prod-scratch': versioning is not enabled/);
    expect(row("eks-endpoint-not-public", "eks:index:Cluster::use1-eks")).toMatch(/public to the world \(0\.0\.0\.0\/0\)/);
    expect(row("iam-no-data-plane-wildcard", "aws:iam/policy:Policy::velero")).toMatch(/allows s3:\* on Resource "\*"/);
    expect(row("manifests-no-secret", "clusters/use1/apps/payments/secret-db.yaml")).toBeDefined();
    expect(row("manifests-no-broad-cluster-admin", "clusters/use1/platform/crb-everyone.yaml")).toMatch(/system:authenticated/);
    // The drifted copy is reported against the majority: with two clusters, the first by name.
    expect(row("manifests-fleet-consistent", "clusters/usw2/platform/payments/rolebinding-admins.yaml")).toMatch(/differs from cluster use1/);
    expect(row("manifests-fleet-consistent", "clusters/usw2/platform/crb-everyone.yaml")).toMatch(/not in cluster usw2/);
  });

  it("exits 2 on bad input, one line per problem", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bad-"));
    fs.writeFileSync(path.join(dir, "plan.json"), "{ not json");
    expect(check("--plan", path.join(dir, "plan.json"))).toMatchObject({ code: 2, err: expect.stringMatching(/^--plan: .*plan\.json: not valid JSON/) });
    await expect(main(["--plan", path.join(dir, "missing.json")])).rejects.toThrow(/missing\.json: file not found/);
    await expect(main(["--plan", writePlan([{ type: "aws:s3/bucket:Bucket" }])])).rejects.toThrow(/resources\[0\] needs urn, type, name and inputs/);
    await expect(main(["--gitops", path.join(dir, "nope")])).rejects.toThrow(/no such directory/);
    await expect(main([])).rejects.toThrow(UsageError);
  });
});
