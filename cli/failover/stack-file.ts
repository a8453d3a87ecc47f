import * as fs from "fs";
import * as path from "path";
import { readBounded, withPath, writeNewFile } from "../../fleet";
import { UsageError } from "../errors";

/**
 * A stack file as `failover` edits it: the text the YAML parser sees and what it takes to
 * write an edit back so that every byte it does not change stays as it was.
 */
export interface StackFileText {
  /** The file a symbolic link leads to: the edit goes there, the link stays a link. */
  readonly file: string;
  readonly bytes: Buffer;
  /**
   * UTF-8 when the bytes round-trip through it; otherwise (a comment in Latin-1, say)
   * Latin-1, which maps each byte to one character and back, so the splice keeps them all.
   */
  readonly encoding: "utf8" | "latin1";
  readonly text: string;
}

export function readStackFileText(configFile: string): StackFileText {
  const file = realFile(configFile);
  const bytes = readBounded(file, path.basename(configFile));
  const utf8 = bytes.toString("utf8");
  const encoding = Buffer.from(utf8, "utf8").equals(bytes) ? "utf8" : "latin1";
  return { file, bytes, encoding, text: encoding === "utf8" ? utf8 : bytes.toString("latin1") };
}

export function encodeStackFile(original: StackFileText, text: string): Buffer {
  return Buffer.from(text, original.encoding);
}

/**
 * Replaces the file's content with `text`, atomically and with its mode kept. The new content
 * is written into a folder of its own beside the file (mkdtemp: a new folder, private to this
 * user, so nothing planted there is written through), then renamed over the file. Refuses
 * when the file changed since it was read: another edit must not be lost.
 */
export function writeStackFileText(original: StackFileText, text: string): void {
  const now = readBounded(original.file, path.basename(original.file));
  if (!now.equals(original.bytes)) {
    throw new UsageError(`${path.basename(original.file)}: changed while failover was planning; run it again on the new content`);
  }
  const { mode } = fs.statSync(original.file);
  const folder = fs.mkdtempSync(path.join(path.dirname(original.file), `.${path.basename(original.file)}.eks-fleet-`));
  const temporary = path.join(folder, path.basename(original.file));
  try {
    writeNewFile(temporary, encodeStackFile(original, text), mode & 0o7777, original.file);
    fs.chmodSync(temporary, mode & 0o7777); // the umask must not narrow it
    fs.renameSync(temporary, original.file);
  } catch (err) {
    throw withPath(err, original.file);
  } finally {
    fs.rmSync(temporary, { force: true });
    fs.rmdirSync(folder);
  }
}

/** The path whose lock serializes two `failover`s on one stack file: the file a link leads to. */
export function lockedStackFile(configFile: string): string {
  return realFile(configFile);
}

function realFile(configFile: string): string {
  try {
    return fs.realpathSync(configFile);
  } catch {
    return configFile; // reading it reports the problem
  }
}
