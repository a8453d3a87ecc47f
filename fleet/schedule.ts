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

/**
 * The longest gap between two runs of `schedule` over one year, in seconds: the worst
 * case a backup can be behind when a region is lost.
 */
export function longestGapSeconds(schedule: string): number {
  const start = new Date(Date.UTC(2025, 0, 1));
  const end = start.getTime() + 366 * 24 * 3600 * 1000;
  const runs = CronExpressionParser.parse(schedule, { tz: "UTC", currentDate: start });
  let previous = runs.next().getTime();
  let longest = 0;
  // A year of an every-minute schedule is 527k runs; a month bounds the work and still
  // covers every daily and weekly pattern. Monthly and yearly schedules fall back to a year.
  const horizon = Math.min(end, previous + 31 * 24 * 3600 * 1000);
  for (let next = runs.next().getTime(); next <= horizon || longest === 0; next = runs.next().getTime()) {
    longest = Math.max(longest, next - previous);
    previous = next;
    if (next > end) break;
  }
  return longest / 1000;
}

/** Parses a Go duration made of hours, minutes and seconds (`720h`, `90m`, `1h30m`). */
export function durationSeconds(duration: string): number | undefined {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(duration);
  if (!match || duration === "") return undefined;
  const [, h = "0", m = "0", s = "0"] = match;
  return Number(h) * 3600 + Number(m) * 60 + Number(s);
}
