import * as fs from "fs";
import * as path from "path";
import { MAX_MANIFEST_FILE_BYTES, readBounded } from "../fleet/safe-files";
import { declaredKinds, DeclaredKind } from "../policies/allow-list";
import { documentsOf } from "../policies/closed-world";

/**
 * The repository's folder of plain YAML replicated to every cluster: `replicated/<layer>/*.yaml`.
 * This module reads it without cdk8s, for the program's side: the GitOps agents' rights
 * include the kinds its CRDs declare.
 */
export const REPLICATED_DIR = path.resolve(__dirname, "..", "replicated");

/**
 * The kinds the CRDs of `replicated/platform/` declare (the policies' rule for a declared CRD
 * applies). A file that cannot be read declares nothing here: `npm run synth` reports it.
 */
export function declaredReplicatedKinds(dir: string = REPLICATED_DIR): DeclaredKind[] {
  // Every cluster's agent asks; the folder is read once per process.
  if (!declared.has(dir)) declared.set(dir, readDeclaredKinds(dir));
  return declared.get(dir)!;
}

const declared = new Map<string, DeclaredKind[]>();

function readDeclaredKinds(dir: string): DeclaredKind[] {
  const folder = path.join(dir, "platform");
  if (!fs.existsSync(folder)) return [];
  const documents = fs.readdirSync(folder).filter((f) => /\.ya?ml$/.test(f)).sort().flatMap((file) => {
    try {
      // Bounded, and never a FIFO or a device, like every file the program reads.
      return documentsOf(readBounded(path.join(folder, file), `replicated/platform/${file}`, MAX_MANIFEST_FILE_BYTES).toString("utf8"));
    } catch {
      return [];
    }
  });
  return declaredKinds(documents.filter((d): d is Record<string, any> => typeof d === "object" && d !== null && !Array.isArray(d)));
}
