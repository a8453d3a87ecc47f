export * from "./errors";
export * from "./spec";
export * from "./parse";
export * from "./load";
export { checkDistinctGitopsPath, projectDirOf, siblingStackFiles, stackNameOf } from "./stack-paths";
export * as names from "./names";
export { HEALTH_CHECK, REPLICATION_BOUND_SECONDS, DrFigures } from "./dr";
export { SUPPORTED_REGIONS } from "./regions";
export { SUPPORTED_KUBERNETES_VERSIONS } from "./versions";
