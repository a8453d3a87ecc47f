import { CronExpressionParser } from "cron-parser";
import fc from "fast-check";
import { longestGapSeconds, parseVeleroSchedule } from "../../fleet/schedule";

/**
 * The RPO figure comes from the longest gap between two backup runs. In UTC (Velero's
 * default zone) it is computed by date arithmetic; cron-parser, which also follows a zone's
 * clock changes, is the reference it must agree with for every pattern.
 */
function referenceGap(schedule: string): number {
  const parsed = parseVeleroSchedule(schedule);
  if (typeof parsed === "string" || "everySeconds" in parsed) throw new Error(`not a cron pattern: ${schedule}`);
  const runs = CronExpressionParser.parse(parsed.cron, { tz: "UTC", currentDate: new Date(Date.UTC(2025, 0, 1)) });
  const [, , dayOfMonth, month, dayOfWeek] = parsed.cron.split(" ");
  const period = dayOfMonth === "*" && month === "*" ? (dayOfWeek === "*" ? 25 : 8 * 24) * 3600_000 : 366 * 24 * 3600_000;
  let previous = runs.next().getTime();
  const horizon = previous + period;
  let longest = 0;
  while (previous < horizon) {
    const next = runs.next().getTime();
    longest = Math.max(longest, next - previous);
    previous = next;
  }
  return longest / 1000;
}

const field = (min: number, max: number) =>
  fc.oneof(
    fc.constant("*"),
    fc.integer({ min, max }).map(String),
    fc.uniqueArray(fc.integer({ min, max }), { minLength: 2, maxLength: 4 }).map((values) => values.join(",")),
    fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
    fc.integer({ min: 2, max: Math.max(2, Math.floor((max - min) / 2)) }).map((step) => `*/${step}`),
  );

// Day of month up to 28: cron-parser and robfig/cron disagree on patterns that skip months
// (31 in a 30-day month), which Velero itself only runs when the date exists.
// A few runs a day at most: the reference walks a year of runs one by one, slowly.
const fewTimes = (min: number, max: number) =>
  fc.oneof(fc.integer({ min, max }).map(String), fc.uniqueArray(fc.integer({ min, max }), { minLength: 2, maxLength: 3 }).map((values) => values.join(",")));
const pattern = fc
  .tuple(fewTimes(0, 59), fc.oneof(fewTimes(0, 23), fc.constantFrom("*/6", "*/8", "*/12")), field(1, 28), field(1, 12), field(0, 6))
  .map((fields) => fields.join(" "));

describe("the longest gap between backups", () => {
  it("agrees with cron-parser for UTC patterns", () => {
    fc.assert(
      fc.property(pattern, (schedule) => {
        expect(longestGapSeconds(schedule)).toBe(referenceGap(schedule));
      }),
      { numRuns: 100 },
    );
  });

  it.each([
    ["0 * * * *", 3600],
    ["0 2 * * mon-fri", 3 * 86400], // Friday 02:00 → Monday 02:00
    ["30 1 1,15 * *", 17 * 86400], // the 15th → the 1st after a 31-day month
    ["0 0 1 1 *", 365 * 86400],
    ["0 3 1 * 0", 7 * 86400], // both days restricted: the 1st or any Sunday
  ])("%s: %i s", (schedule, seconds) => {
    expect(longestGapSeconds(schedule)).toBe(seconds);
  });

  it("follows a zone's clock changes: in New York, 1 January to 1 November is an hour short of 304 days", () => {
    expect(longestGapSeconds("0 0 1 1,11 *")).toBe(304 * 86400);
    expect(longestGapSeconds("CRON_TZ=America/New_York 0 0 1 1,11 *")).toBe(304 * 86400 - 3600); // EST → EDT
  });
});
