import { ApiObject } from "cdk8s";
import { Construct } from "constructs";
import * as names from "../../fleet/names";
import { Replication, replicate } from "../replicate";
import { INGRESS_NAMESPACE } from "./ingress";

/** The part of Velero's `Schedule` (velero.io/v1) the fleet sets; no model package exists for Velero. */
export interface VeleroScheduleProps {
  /** Five-field cron, UTC. */
  readonly schedule: string;
  /** How long each backup is kept, as a Go duration (`720h`). */
  readonly ttl: string;
  /** Namespaces to back up. */
  readonly includedNamespaces: readonly string[];
  /** Resources never backed up (Velero resource names, e.g. `secrets`). @default [] */
  readonly excludedResources?: readonly string[];
  /** @default names.OWN_BACKUP_LOCATION */
  readonly storageLocation?: string;
  /**
   * Back up pod volumes with the node agent (file system) rather than EBS snapshots, which
   * cannot be restored in another region. @default true
   */
  readonly defaultVolumesToFsBackup?: boolean;
}

export class VeleroSchedule extends ApiObject {
  constructor(scope: Construct, id: string, name: string, props: VeleroScheduleProps) {
    super(scope, id, {
      apiVersion: "velero.io/v1",
      kind: "Schedule",
      metadata: { name, namespace: names.AGENTS.velero.namespace },
      spec: {
        schedule: props.schedule,
        // A backup that outlives the Schedule (e.g. during a failover) must not be garbage-collected with it.
        useOwnerReferencesInBackup: false,
        template: {
          ttl: props.ttl,
          storageLocation: props.storageLocation ?? names.OWN_BACKUP_LOCATION,
          includedNamespaces: [...props.includedNamespaces],
          ...(props.excludedResources?.length ? { excludedResources: [...props.excludedResources] } : {}),
          defaultVolumesToFsBackup: props.defaultVolumesToFsBackup ?? true,
        },
      },
    });
  }
}

/**
 * Secrets are never backed up: every Secret of the fleet namespaces is written by External
 * Secrets from Secrets Manager (the tree holds none), and a restore gets them back from the
 * restoring region's replica. Backups replicate across regions and live for the retention, so
 * a credential in them would outlive its rotation. Velero's resource filtering:
 * site/content/docs/v1.18/resource-filtering.md, `excludedResources` of the backup template.
 */
export const NEVER_BACKED_UP = ["secrets"] as const;

/**
 * Each cluster backs up the fleet namespaces into its own bucket, which replicates to its
 * partner region, under a schedule named after the cluster so that backups replicated from a
 * peer never share a name with its own.
 */
export function backupReplication(): Replication {
  return replicate("backup", (scope, { fleet, cluster }) => {
    new VeleroSchedule(scope, "schedule", names.backupScheduleName(cluster.name), {
      schedule: fleet.backup.schedule,
      ttl: fleet.backup.retention,
      // Never empty: Velero reads an empty list as "every namespace".
      includedNamespaces: [...fleet.namespaces.map((ns) => ns.name), INGRESS_NAMESPACE],
      excludedResources: NEVER_BACKED_UP,
    });
  });
}
