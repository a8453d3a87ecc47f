export * from "./errors";
export * from "./spec";
export * from "./parse";
export * from "./load";
export * as names from "./names";
export { HEALTH_CHECK, REPLICATION_BOUND_SECONDS, GITOPS_PICKUP_SECONDS, PROMOTION_ASSUMPTIONS, DrFigures, Standby } from "./dr";
export { SUPPORTED_REGIONS } from "./regions";
export * as zones from "./zones";
export { SUPPORTED_KUBERNETES_VERSIONS } from "./versions";
