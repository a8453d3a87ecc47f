import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { withPath, writeNewFile } from "../fleet/safe-files";

/** A file written in full beside the path it is for, ready to be renamed over it. */
export interface StagedFile {
  readonly file: string;
  readonly temporary: string;
}

/**
 * Writes `content` into a new file beside `file` (`.<name>.<random>.tmp`, created exclusively,
 * so never through a planted link); a failure removes it and names `file`.
 */
export function stageFile(file: string, content: string): StagedFile {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  writeNewFile(temporary, content, 0o644, file);
  return { file, temporary };
}

/** The staged file takes its place in one rename: readers see the old content or the new. */
export function commitFile({ file, temporary }: StagedFile): void {
  try {
    fs.renameSync(temporary, file);
  } catch (err) {
    fs.rmSync(temporary, { force: true });
    throw withPath(err, file);
  }
}

/** Writes a file so that readers see the old content or the new, never half of it. */
export function writeFileAtomic(file: string, content: string): void {
  commitFile(stageFile(file, content));
}

/** JSON with object keys sorted at every level, so equal content is equal text. */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  }
  return value;
}
