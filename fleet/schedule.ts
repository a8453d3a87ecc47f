import { CronExpressionParser } from "cron-parser";

const DESCRIPTORS = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

/**
 * Validates a Velero backup schedule: five-field cron (Velero's cron has no seconds
 * field) or a standard descriptor. Returns an error message, or undefined when valid.
 */
export function cronProblem(schedule: string): string | undefined {
  const fields = schedule.trim().split(/\s+/);
  if (!(fields.length === 5 || (fields.length === 1 && DESCRIPTORS.includes(fields[0])))) {
    return `'${schedule}' is not a five-field cron expression`;
  }
  try {
    CronExpressionParser.parse(schedule, { tz: "UTC" });
    return undefined;
  } catch (err) {
    return `'${schedule}' is not a valid cron expression (${(err as Error).message})`;
  }
}

const gaps = new Map<string, number>();
const HOUR = 3600 * 1000;

/**
 * The longest gap between two runs of `schedule`, in seconds: the worst case a backup can
 * be behind when a region is lost. The scan covers one period of the pattern: a day (plus
 * the wrap-around) for daily patterns, eight days for weekly ones, a year otherwise.
 */
export function longestGapSeconds(schedule: string): number {
  const known = gaps.get(schedule);
  if (known !== undefined) return known;
  const runs = CronExpressionParser.parse(schedule, { tz: "UTC", currentDate: new Date(Date.UTC(2025, 0, 1)) });
  const [, , dayOfMonth, month, dayOfWeek] = runs.stringify().split(" ");
  const weekly = dayOfMonth === "*" && month === "*";
  const period = !weekly ? 366 * 24 * HOUR : dayOfWeek === "*" ? 25 * HOUR : 8 * 24 * HOUR;
  let previous = runs.next().getTime();
  const horizon = previous + period;
  let longest = 0;
  while (previous < horizon) {
    const next = runs.next().getTime();
    longest = Math.max(longest, next - previous);
    previous = next;
  }
  gaps.set(schedule, longest / 1000);
  return longest / 1000;
}

/** Parses a Go duration made of hours, minutes and seconds (`720h`, `90m`, `1h30m`). */
export function durationSeconds(duration: string): number | undefined {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(duration);
  if (!match || duration === "") return undefined;
  const [, h = "0", m = "0", s = "0"] = match;
  return Number(h) * 3600 + Number(m) * 60 + Number(s);
}
