import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const created: string[] = [];
// Registered once per test file that imports this module: its folders go when the file ends.
afterAll(() => {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A new folder under the system's temp folder, removed when the test file finishes. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}
