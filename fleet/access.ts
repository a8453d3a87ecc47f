import type { FleetSpec } from "./spec";

/**
 * Who may read and change what, derived from the model once: the namespaces that declare
 * secrets (each gets its own secrets reader and IAM role) and the IAM roles that administer
 * namespaces (each gets one EKS access entry carrying the groups of every namespace it administers).
 */

/** The namespaces with at least one `fleet.secrets` entry, sorted. */
export function secretNamespaces(fleet: Pick<FleetSpec, "secrets">): string[] {
  return [...new Set(fleet.secrets.map((s) => s.namespace))].sort();
}
