/**
 * Preload (`node -r ./cli/register.js -r ./tests/support/with-change.ts …`): applies the
 * program change named by PROGRAM_CHANGE (tests/support/program-changes.ts) before the
 * command loads the program, so a test can run a command as a user would on a changed program.
 */
import { SCENARIOS } from "./program-changes";

const change = process.env.PROGRAM_CHANGE;
if (!change || !SCENARIOS[change]) throw new Error(`PROGRAM_CHANGE must name one of ${Object.keys(SCENARIOS).join(", ")}`);
SCENARIOS[change].apply();
