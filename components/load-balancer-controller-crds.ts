import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import type * as k8s from "@pulumi/kubernetes";
import { LOAD_BALANCER_CONTROLLER_CRDS } from "./chart-versions";

export type CrdObject = k8s.apiextensions.v1.CustomResourceDefinitionArgs & {
  readonly apiVersion: "apiextensions.k8s.io/v1";
  readonly kind: "CustomResourceDefinition";
  readonly metadata: { readonly name: string };
};

let parsed: readonly CrdObject[] | undefined;

/** The Load Balancer Controller's CRDs from the copied chart files, parsed once per process. */
export function loadBalancerControllerCrds(): readonly CrdObject[] {
  parsed ??= Object.keys(LOAD_BALANCER_CONTROLLER_CRDS.files).flatMap((file) => {
    const text = fs.readFileSync(path.join(__dirname, LOAD_BALANCER_CONTROLLER_CRDS.directory, file), "utf8");
    return parseAllDocuments(text).map((doc) => doc.toJS() as CrdObject).filter((obj) => obj !== null);
  });
  for (const crd of parsed) {
    if (crd.kind !== "CustomResourceDefinition" || crd.apiVersion !== "apiextensions.k8s.io/v1") throw new Error(`${LOAD_BALANCER_CONTROLLER_CRDS.directory}: expected only CustomResourceDefinitions, found ${crd.apiVersion}/${crd.kind}`);
  }
  return parsed;
}
