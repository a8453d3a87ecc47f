import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { ManifestObject, ManifestTree } from "./manifests";

/** A tree that cannot be read: bad input (exit 2), not a policy violation. */
export class TreeError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
  }
}

/** Reads a rendered GitOps tree: every YAML object under `clusters/<cluster>/{platform,apps}/`. */
export function loadTree(root: string): ManifestTree {
  const clustersDir = path.join(root, "clusters");
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new TreeError([`${root}: not a directory`]);
  if (!fs.existsSync(clustersDir)) throw new TreeError([`${root}: not a GitOps tree (no clusters/ folder)`]);

  const problems: string[] = [];
  const objects: ManifestObject[] = [];
  const clusters = fs.readdirSync(clustersDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  for (const cluster of clusters) {
    for (const layer of ["platform", "apps"]) {
      for (const file of yamlFiles(path.join(clustersDir, cluster, layer))) {
        const relative = path.relative(root, file).split(path.sep).join("/");
        let docs: YAML.Document[];
        try {
          docs = YAML.parseAllDocuments(fs.readFileSync(file, "utf8")) as YAML.Document[];
        } catch (err) {
          problems.push(`${relative}: cannot read (${(err as Error).message})`);
          continue;
        }
        for (const doc of docs) {
          if (doc.errors.length > 0) {
            problems.push(`${relative}: not valid YAML (${doc.errors[0].message.split("\n")[0]})`);
            continue;
          }
          // The alias cap stops "billion laughs" files before they expand.
          const object = doc.toJS({ maxAliasCount: 50 });
          if (object === null || object === undefined) continue;
          if (typeof object !== "object" || Array.isArray(object) || typeof object.kind !== "string") {
            problems.push(`${relative}: not a Kubernetes object (no kind)`);
            continue;
          }
          objects.push({ file: relative, cluster, layer, object });
        }
      }
    }
  }
  if (problems.length > 0) throw new TreeError(problems);
  return { clusters, objects };
}

function yamlFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return yamlFiles(full);
      return /\.ya?ml$/.test(entry.name) ? [full] : [];
    });
}
