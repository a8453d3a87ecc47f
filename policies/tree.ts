import * as fs from "fs";
import * as path from "path";
import * as names from "../fleet/names";
import { MAX_MANIFEST_FILE_BYTES, readBounded } from "../fleet/safe-files";
import { documentProblem, documentReader, KUSTOMIZATION, kustomizationProblems, scannableDocuments, unwrapLists } from "./closed-world";
import { LayoutProblem, ManifestObject, ManifestTree, TreeFile } from "./manifests";
import { OverrideRecord, parseOverrideRecord } from "./override-record";

/** A tree that cannot be read: bad input (exit 2), not a policy violation. */
export class TreeError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
  }
}

/** The layer folders of each cluster (the allow-list has a table for each: policies/allow-list.ts). */
const LAYERS = names.TREE_LAYERS;
/** The only files the renderer writes outside the layers: its override record, the rollout state and its marker. */
const ROOT_FILES: readonly string[] = [names.OVERRIDE_RECORD_FILE, names.ROLLOUT_STATE_FILE, names.TREE_MARKER];

/**
 * Reads a rendered GitOps tree the way the agents apply it: for each
 * `clusters/<cluster>/{platform,traffic,apps}/`, the documents its `kustomization.yaml` lists (YAML
 * or JSON, several per file, `List` items unwrapped). Everything else is recorded too: each
 * way the tree departs from what the renderer writes (`layout`), and every file's documents
 * (`files`), since a Secret in any file of the repository leaks even if nothing applies it.
 * With `part`, only those clusters' folders and the override record (`walkPart`).
 */
export function loadTree(root: string, part?: readonly string[]): ManifestTree {
  const clustersDir = path.join(root, "clusters");
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new TreeError([`${root}: not a directory`]);
  if (!fs.existsSync(clustersDir)) throw new TreeError([`${root}: not a GitOps tree (no clusters/ folder)`]);
  // Read like every file: bounded, and never a FIFO or a device swapped in after the walk.
  const read = (file: string) => readBounded(path.join(root, file), file, MAX_MANIFEST_FILE_BYTES, "a file of Kubernetes objects is far smaller");
  const load = (entries: TreeEntry[]) => entries.map((entry) => (entry.kind === "file" ? { ...entry, content: read(entry.path) } : entry));
  if (part !== undefined) return treeOf(load(walkPart(root, part)), [...new Set(part)].sort());
  const clusters = fs.readdirSync(clustersDir, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.isSymbolicLink()).map((d) => d.name).sort();
  return treeOf(load(walk(root)), clusters);
}

/**
 * A part of the tree (`loadTree(root, part)`): the folders of the clusters `part` names, as the
 * agents that apply only those read them, with the override record, whose entries for their
 * objects the consistency rule reads. The fleet's other files are the whole tree's concern.
 */
function walkPart(root: string, part: readonly string[]): TreeEntry[] {
  const folders = [...new Set(part)].sort((a, b) => a.localeCompare(b)).flatMap((cluster): TreeEntry[] => {
    const folder = `clusters/${cluster}`;
    const stat = fs.lstatSync(path.join(root, folder), { throwIfNoEntry: false });
    if (stat?.isSymbolicLink()) return [{ path: folder, kind: "link" }];
    return stat?.isDirectory() ? walk(root, folder) : [];
  });
  const record = fs.lstatSync(path.join(root, names.OVERRIDE_RECORD_FILE), { throwIfNoEntry: false });
  return record?.isFile() ? [...folders, { path: names.OVERRIDE_RECORD_FILE, kind: "file" }] : folders;
}

/**
 * The same reading over a tree held in memory (`npm run plan` checks what it has just
 * rendered without reading it back): `all` are its files and links, sorted by path,
 * `clusters` its cluster folders (default: those holding a file).
 */
export function treeOf(all: readonly TreeEntry[], clusters: readonly string[] = clustersOf(all)): ManifestTree {
  const problems: string[] = [];
  const layout: LayoutProblem[] = [];
  const objects: ManifestObject[] = [];
  const contents = new Map(all.filter((f) => f.kind === "file").map((f) => [f.path, f.content!]));
  const read = (file: string) => contents.get(file)!;
  const text = (file: string) => read(file).toString("utf8");
  // Each distinct text is parsed once, for the Secret scan and the layers alike.
  const parse = documentReader();
  const files: TreeFile[] = all.filter((f) => f.kind === "file").map((f) => ({ path: f.path, documents: scannableDocuments(read(f.path), parse) }));
  const byFolder = new Map<string, string[]>();
  for (const f of all) {
    if (f.kind !== "file") continue;
    const folder = path.posix.dirname(f.path);
    if (!byFolder.has(folder)) byFolder.set(folder, []);
    byFolder.get(folder)!.push(path.posix.basename(f.path));
  }
  for (const entry of all) {
    if (entry.kind === "link") layout.push({ file: entry.path, message: `${entry.path} is a symbolic link; the tree holds plain files only (a link can pull in anything the agent can read).` });
  }
  const inLayer = new Set<string>();
  for (const cluster of clusters) {
    for (const layer of LAYERS) {
      const folder = `clusters/${cluster}/${layer}`;
      const here = byFolder.get(folder) ?? [];
      here.forEach((name) => inLayer.add(`${folder}/${name}`));
      const kustomization = `${folder}/${KUSTOMIZATION}`;
      if (!here.includes(KUSTOMIZATION)) {
        layout.push({ file: kustomization, message: `${kustomization} is missing; without it the agent applies whatever it finds in ${folder}/.` });
        continue;
      }
      const { problems: found, resources } = kustomizationProblems(text(kustomization), (name) => here.includes(name), parse);
      layout.push(...found.map((message) => ({ file: kustomization, message: `${kustomization} ${message}.` })));
      for (const name of here.filter((n) => n !== KUSTOMIZATION && !resources.includes(n))) {
        layout.push({ file: `${folder}/${name}`, message: `${folder}/${name} is not listed in ${KUSTOMIZATION}, so no agent applies it: the tree must be exactly what is applied. Delete it, or render it from the fleet model.` });
      }
      for (const name of resources) {
        const file = `${folder}/${name}`;
        let documents: unknown[];
        try {
          documents = unwrapLists(parse(text(file)));
        } catch (err) {
          problems.push(`${file}: ${(err as Error).message}`);
          continue;
        }
        documents.forEach((object, i) => {
          if (typeof object !== "object" || object === null || Array.isArray(object) || typeof (object as { kind?: unknown }).kind !== "string") {
            problems.push(`${file}: not a Kubernetes object (no kind)`);
            return;
          }
          const problem = documentProblem(object as Record<string, any>);
          if (problem) layout.push({ file, message: `${file} (document ${i + 1}) ${problem}; the tree holds plain objects only.` });
          else objects.push({ file, cluster, layer, object: object as Record<string, any> });
        });
      }
    }
  }
  for (const entry of all.filter((f) => f.kind === "file" && !inLayer.has(f.path) && !ROOT_FILES.includes(f.path))) {
    layout.push({ file: entry.path, message: `${entry.path} is outside the layer folders (clusters/<cluster>/platform|traffic|apps/); the rendered tree holds nothing else. Delete it.` });
  }
  if (problems.length > 0) throw new TreeError(problems);
  return { clusters, objects, files, layout, overrides: readOverrides(contents.get(names.OVERRIDE_RECORD_FILE), problems) };
}

function readOverrides(content: Buffer | undefined, problems: string[]): OverrideRecord | undefined {
  if (content === undefined) return undefined;
  try {
    return parseOverrideRecord(content.toString("utf8"));
  } catch (err) {
    throw new TreeError([...problems, `${names.OVERRIDE_RECORD_FILE}: ${(err as Error).message}`]);
  }
}

/** Cluster folders that hold at least one file or link. */
function clustersOf(entries: readonly TreeEntry[]): string[] {
  return [...new Set(entries.map((e) => e.path.split("/")).filter((s) => s[0] === "clusters" && s.length > 2).map((s) => s[1]))].sort();
}

/** A file (with its bytes) or a symbolic link of a tree, by its path relative to the root. */
export interface TreeEntry {
  readonly path: string;
  readonly kind: "file" | "link";
  readonly content?: Buffer;
}

/** Every file and symbolic link under `root`, relative, with `/` separators, sorted. */
function walk(root: string, prefix = ""): TreeEntry[] {
  return fs
    .readdirSync(path.join(root, prefix), { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry): TreeEntry[] => {
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isSymbolicLink()) return [{ path: relative, kind: "link" }];
      if (entry.isDirectory()) return walk(root, relative);
      return entry.isFile() ? [{ path: relative, kind: "file" }] : [];
    });
}
