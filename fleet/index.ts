export * from "./errors";
export * from "./spec";
export * from "./parse";
export * from "./load";
export * as names from "./names";
export { HEALTH_CHECK, REPLICATION_BOUND_SECONDS, DrFigures } from "./dr";
export { SUPPORTED_REGIONS } from "./regions";
export * as zones from "./zones";
export { SUPPORTED_KUBERNETES_VERSIONS } from "./versions";
