import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../cli/failover";
import { promote } from "../../cli/failover/promote";
import { readStackFileText, writeStackFileText } from "../../cli/failover/stack-file";
import { ROOT } from "./helpers";

const PROD = fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8");

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-fleet-failover-files-"));
  jest.spyOn(console, "log").mockImplementation(() => undefined);
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  jest.restoreAllMocks();
});

describe("failover keeps the stack file what it is", () => {
  it("edits a link's target in place, keeps its mode and every unchanged byte, and serializes two runs", async () => {
    // A Latin-1 comment (not valid UTF-8), a mode of 0640, reached through a symbolic link.
    const original = Buffer.concat([Buffer.from(PROD), Buffer.from("# r\xe9sum\xe9 of the standby drill\n", "latin1")]);
    const target = path.join(dir, "real", "Pulumi.prod.yaml");
    fs.mkdirSync(path.dirname(target));
    fs.writeFileSync(target, original, { mode: 0o640 });
    fs.chmodSync(target, 0o640);
    const link = path.join(dir, "Pulumi.prod.yaml");
    fs.symlinkSync(target, link);

    const [first, second] = await Promise.allSettled([main(["--config", link, "--to", "usw2"]), main(["--config", link, "--to", "usw2"])]);
    expect(first).toEqual({ status: "fulfilled", value: 0 });
    // The second waited for the first and then saw its edit: no update lost.
    expect(second).toMatchObject({ status: "rejected", reason: expect.objectContaining({ message: "--to: 'usw2' is already the primary" }) });

    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.statSync(target).mode & 0o777).toBe(0o640);
    const expected = Buffer.from(
      original.toString("latin1").replace("role: primary", "role: @@").replace("role: secondary", "role: primary").replace("role: @@", "role: secondary"),
      "latin1",
    );
    expect(fs.readFileSync(target).equals(expected)).toBe(true);
    expect(fs.readdirSync(path.dirname(target))).toEqual(["Pulumi.prod.yaml"]); // no lock or temporary left
  }, 60_000);

  it("refuses to write over an edit made while it was planning", () => {
    const file = path.join(dir, "Pulumi.prod.yaml");
    fs.writeFileSync(file, PROD);
    const read = readStackFileText(file);
    fs.appendFileSync(file, "# someone else\n");
    expect(() => writeStackFileText(read, PROD)).toThrow("Pulumi.prod.yaml: changed while failover was planning; run it again on the new content");
    expect(fs.readFileSync(file, "utf8")).toBe(`${PROD}# someone else\n`);
  });
});

describe("a role that cannot be edited in place is refused with exit 2, never an internal error", () => {
  const withRoles = (primary: string, secondary: string) => PROD.replace("role: primary", `role: ${primary}`).replace("role: secondary", `role: ${secondary}`);
  it.each([
    ["an alias", withRoles("&p primary", "*p"), "fleet.clusters[0].role: carries the YAML anchor &p; write it as a plain value (role: primary) and run failover again"],
    ["an alias only", withRoles("primary", "*p").replace("name: prod", "name: &p prod"), "fleet.clusters[1].role: is a YAML alias (*p); write it as a plain value (role: primary) and run failover again"],
    ["a block scalar", withRoles("primary", "|\n          secondary"), "fleet.clusters[1].role: is a block scalar; write it as a plain value (role: primary) and run failover again"],
  ])("%s", (_, text, message) => {
    expect(() => promote(text, "usw2", "Pulumi.prod.yaml")).toThrow(message);
  });
});
