/**
 * The Kubernetes API objects of cdk8s-plus-30 (its `k8s` export), imported from their own module:
 * the package index would also load its ~35 higher-level construct modules, which the charts never
 * use, and which take about as long to load as the API objects themselves.
 */
export * as k8s from "cdk8s-plus-30/lib/imports/k8s";
