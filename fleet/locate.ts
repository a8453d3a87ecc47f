import * as YAML from "yaml";

/**
 * Where a config path (`fleet.clusters[1].vpcCidr`) was written in a stack file, so a problem
 * can point at the line: `Pulumi.prod.yaml:14:17`. Built from the parsed YAML document.
 */
export interface ConfigSource {
  /**
   * `file:line:column` of the value at `path` (or of the nearest enclosing node that exists);
   * with `key`, of the key itself (an unknown key).
   */
  locate(path: string, key?: boolean): string | undefined;
  /** The text written for the scalar at `path`, as it stands in the file (`1.30`, `021098765432`). */
  sourceText(path: string): string | undefined;
}

/** Config paths start at `fleet` (the project's `eks-fleet:fleet` key) or at a `namespace:key`. */
export function yamlSource(doc: YAML.Document, text: string, lines: YAML.LineCounter, file: string, roots: Record<string, string>): ConfigSource {
  const config = doc.get("config", true);
  const find = (path: string, key = false): { node: YAML.Node; complete: boolean } | undefined => {
    if (!YAML.isMap(config)) return undefined;
    const root = Object.keys(roots).find((name) => path === name || path.startsWith(`${name}.`) || path.startsWith(`${name}[`));
    if (root === undefined) return undefined;
    const top = config.items.find((pair) => YAML.isScalar(pair.key) && pair.key.value === roots[root]);
    if (!top || !YAML.isNode(top.value)) return undefined;
    return descend(top.value, path.slice(root.length), key);
  };
  return {
    locate(path, key) {
      const found = find(path, key);
      const offset = found?.node.range?.[0];
      if (offset === undefined) return undefined;
      const { line, col } = lines.linePos(offset);
      return `${file}:${line}:${col}`;
    },
    sourceText(path) {
      const found = find(path);
      if (!found?.complete || !YAML.isScalar(found.node) || !found.node.range) return undefined;
      return text.slice(found.node.range[0], found.node.range[1]);
    },
  };
}

/**
 * Follows `.key` and `[index]` segments from `node`. A key may itself hold dots (a label such
 * as `app.kubernetes.io/name`), so at a map the longest key that the rest of the path starts
 * with wins. Stops at the deepest node that exists (a missing key points at its map).
 */
function descend(node: YAML.Node, rest: string, key: boolean): { node: YAML.Node; complete: boolean } {
  if (rest === "") return { node, complete: true };
  if (YAML.isSeq(node)) {
    const index = /^\[(\d+)\]/.exec(rest);
    const item = index ? node.items[Number(index[1])] : undefined;
    return index && YAML.isNode(item) ? descend(item, rest.slice(index[0].length), key) : { node, complete: false };
  }
  if (YAML.isMap(node) && rest.startsWith(".")) {
    const ends = (key: string) => rest.startsWith(`.${key}`) && /^($|\.|\[)/.test(rest.slice(key.length + 1));
    const pair = node.items
      .filter((p) => YAML.isScalar(p.key) && ends(String(p.key.value)))
      .sort((a, b) => String((b.key as YAML.Scalar).value).length - String((a.key as YAML.Scalar).value).length)[0];
    if (pair) {
      const name = String((pair.key as YAML.Scalar).value);
      const remaining = rest.slice(name.length + 1);
      if (remaining === "" && (key || !YAML.isNode(pair.value))) return { node: pair.key as YAML.Node, complete: true };
      if (YAML.isNode(pair.value)) return descend(pair.value, remaining, key);
    }
  }
  return { node, complete: false };
}
