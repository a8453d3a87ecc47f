/**
 * Folders of the project itself. No output (a rendered tree, a plan) may be written into
 * one: every run replaces its output folder as a whole.
 */
export const PROJECT_FOLDERS: readonly string[] = [
  "bench", "charts", "cli", "components", "docs", "fleet", "node_modules", "policies", "replicated", "tests", "workflows",
];

/** Longest `gitops.path`: it is repeated in every Kustomization and Application path. */
const MAX_PATH_LENGTH = 200;

/**
 * Why `path` cannot be `gitops.path`, or undefined: it must be a relative folder inside the
 * repository, not hidden (`.git`, `.github`) and not one of the project's own folders,
 * because `npm run synth` replaces that folder as a whole.
 */
export function gitopsPathProblem(path: string): string | undefined {
  if (path.length > MAX_PATH_LENGTH) return `must be at most ${MAX_PATH_LENGTH} characters`;
  if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(path)) return "must be a relative path inside the repository, such as gitops";
  const segments = path.split("/");
  if (segments.some((s) => s === "." || s === "..")) return "must not contain '.' or '..' segments";
  const hidden = segments.find((s) => s.startsWith("."));
  if (hidden) return `'${hidden}' is a hidden folder; synth replaces its folder as a whole, so name a plain one such as gitops`;
  if (PROJECT_FOLDERS.includes(segments[0])) return `'${segments[0]}' is a folder of the project itself; synth replaces its folder as a whole, so name another one such as gitops`;
  return undefined;
}
