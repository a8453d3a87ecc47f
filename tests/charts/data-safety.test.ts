import { names } from "../../fleet";
import { externalSecretName } from "../../charts";
import { find, fleetOf, Manifest, objectsOf, render } from "./render-helpers";

const fleet = fleetOf(3, {
  secrets: [
    { name: "payments/db-credentials", namespace: "payments" },
    { name: "payments/api-key", namespace: "payments" },
  ],
});
const tree = render(fleet);
const objects = (cluster: string) => objectsOf(tree, cluster).concat(objectsOf(tree, cluster, "apps"));
const schedulesOf = (cluster: string) => objects(cluster).filter((o) => o.kind === "Schedule");

/**
 * Whether a backup made from this Schedule holds the namespaced resource: Velero's namespace and
 * resource filters (vmware-tanzu/velero site/content/docs/v1.17/resource-filtering.md).
 */
function backsUp(schedule: Manifest, resource: string, namespace: string): boolean {
  const t = schedule.spec.template;
  const included = (list: string[] | undefined, value: string) => !list || list.length === 0 || list.includes("*") || list.includes(value);
  return included(t.includedNamespaces, namespace) && !(t.excludedNamespaces ?? []).includes(namespace)
    && included(t.includedResources, resource) && !(t.excludedResources ?? []).includes(resource);
}

describe("backups that stay apart and hold no secrets", () => {
  it("every cluster runs one Schedule, named after itself, so replicated backups never share a name", () => {
    const scheduleNames = fleet.clusters.map((c) => schedulesOf(c.name).map((s) => s.metadata.name));
    expect(scheduleNames.every((list) => list.length === 1)).toBe(true);
    expect(new Set(scheduleNames.flat()).size).toBe(fleet.clusters.length);
    // Velero names a scheduled backup `<schedule>-<UTC second>`: two clusters firing at the same second still differ.
    const at = "20250101120000";
    const backupNames = scheduleNames.flat().map((schedule) => `${schedule}-${at}`);
    expect(new Set(backupNames).size).toBe(backupNames.length);
    for (const c of fleet.clusters) expect(schedulesOf(c.name)[0].metadata.name).toBe(names.backupScheduleName(c.name));
  });

  it("no Schedule backs up the Secrets External Secrets writes, nor any other Secret", () => {
    const written = objects("c1").filter((o) => o.kind === "ExternalSecret").map((o) => ({ namespace: o.metadata.namespace, name: o.spec.target.name }));
    expect(written.map((w) => w.name)).toEqual(expect.arrayContaining(fleet.secrets.map((s) => externalSecretName(s.name))));
    for (const c of fleet.clusters) {
      const [schedule] = schedulesOf(c.name);
      for (const { namespace } of written) {
        expect(backsUp(schedule, "configmaps", namespace)).toBe(true);
        expect(backsUp(schedule, "secrets", namespace)).toBe(false);
      }
      for (const ns of schedule.spec.template.includedNamespaces) expect(backsUp(schedule, "secrets", ns)).toBe(false);
    }
  });

  it("the Schedule is the cluster's own, in the velero namespace", () => {
    expect(find(objects("c2"), "Schedule", names.backupScheduleName("c2"), names.AGENTS.velero.namespace).spec.template.storageLocation).toBe(names.OWN_BACKUP_LOCATION);
  });
});
