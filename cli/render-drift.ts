import * as path from "path";
import { readKeptTree, renderTree, treeDifferences } from "../charts";
import { fleetFromStackFile } from "../fleet";
import { Violation } from "../policies/violation";

/**
 * Every file of the tree at `dir` that differs from a fresh render of the fleet model: with
 * the model at hand, nothing hand-edited passes, not even a forged override record.
 */
export function renderDrift(dir: string, configFile: string): Violation[] {
  const { spec } = fleetFromStackFile(configFile);
  return treeDifferences(dir, renderTree(spec, { kept: readKeptTree(dir) })).map((file) => ({
    policy: "manifests-fresh-render",
    enforcement: "mandatory",
    urn: null,
    file,
    message: `${file} differs from a fresh render of ${path.basename(configFile)}: the tree must be exactly what the renderer writes from the fleet model. Change the model or charts/, then run npm run synth.`,
  }));
}
