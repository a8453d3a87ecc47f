import * as fs from "fs";
import { infraViolations } from "./cli/policy-run";
const plan = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
(async () => {
  const stacks = [...new Set(plan.resources.map((r: any) => r.stack))] as string[];
  for (const s of stacks) {
    const rs = plan.resources.filter((r: any) => r.stack === s);
    const v = await infraViolations(rs);
    console.log(s, rs.length, v.map((x) => `${x.policy}: ${x.message.slice(0, 140)}`));
  }
})();
