/**
 * Velero's schedule controller parses `spec.schedule` with robfig/cron's `ParseStandard`
 * (vmware-tanzu/velero `pkg/controller/schedule_controller.go`): five fields split on any
 * whitespace, an optional `TZ=`/`CRON_TZ=` prefix, the descriptors below and
 * `@every <Go duration>` (robfig/cron `parser.go`). This grammar accepts exactly that: no
 * seconds field, no `L`, `W` or `#`, day of week 0–6.
 */
const DESCRIPTORS: Record<string, string> = {
  "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
};

interface Bounds {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly Bounds[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: ["", "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"] },
  { name: "day of week", min: 0, max: 6, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] },
];

/** A schedule as Velero runs it: a cron pattern in a zone, or a fixed interval. */
export type VeleroSchedule = { readonly cron: string; readonly tz: string } | { readonly everySeconds: number };

/** Parses `schedule` as Velero would; returns the reason as a string when Velero refuses it. */
export function parseVeleroSchedule(schedule: string): VeleroSchedule | string {
  if (schedule.length === 0) return "is empty";
  let spec = schedule;
  let tz = "UTC"; // the Velero server's local zone in its container image
  const zone = /^(?:CRON_)?TZ=(\S*) /.exec(spec);
  if (zone) {
    if (!isTimeZone(zone[1])) return `'${zone[1]}' is not a time zone`;
    tz = zone[1];
    spec = spec.slice(zone[0].length).trim();
  } else if (/^(CRON_)?TZ=/.test(spec)) {
    return "a TZ= prefix must be followed by a space and the schedule";
  }
  if (spec.startsWith("@")) {
    if (DESCRIPTORS[spec]) return { cron: DESCRIPTORS[spec], tz };
    if (spec.startsWith("@every ")) {
      const seconds = goDurationSeconds(spec.slice("@every ".length));
      if (seconds === undefined) return `'${spec.slice(7)}' is not a Go duration such as 1h30m`;
      return { everySeconds: Math.max(1, Math.floor(seconds)) }; // robfig/cron rounds to whole seconds, at least one
    }
    return `unknown descriptor (Velero knows ${Object.keys(DESCRIPTORS).join(", ")} and @every <duration>)`;
  }
  const fields = spec.split(/\s+/).filter((f) => f !== "");
  if (fields.length !== 5) return `has ${fields.length} fields; Velero's cron takes five (minute hour day-of-month month day-of-week)`;
  const expanded: string[] = [];
  for (let i = 0; i < 5; i++) {
    const field = parseField(fields[i], FIELDS[i]);
    if (typeof field === "string") return `${FIELDS[i].name} '${fields[i]}': ${field}`;
    expanded.push(field.star ? "*" : field.values.join(","));
  }
  // robfig/cron: when day of month and day of week are both restricted, either matches; a
  // restricted field that lists every value then matches every day.
  if (expanded[2] !== "*" && expanded[4] !== "*" && (isFull(expanded[2], FIELDS[2]) || isFull(expanded[4], FIELDS[4]))) {
    expanded[2] = "*";
    expanded[4] = "*";
  }
  return { cron: expanded.join(" "), tz };
}

/** Validates a Velero backup schedule. Returns an error message, or undefined when valid. */
export function cronProblem(schedule: string): string | undefined {
  const parsed = parseVeleroSchedule(schedule);
  return typeof parsed === "string" ? `'${schedule.trim()}' is not a schedule Velero accepts: ${parsed}` : undefined;
}

function parseField(field: string, bounds: Bounds): { values: number[]; star: boolean } | string {
  const values = new Set<number>();
  let star = false;
  // strings.FieldsFunc on ',' skips empty parts.
  for (const part of field.split(",").filter((p) => p !== "")) {
    const [range, step, ...extraSlashes] = part.split("/");
    if (extraSlashes.length > 0) return "too many slashes";
    const [low, high, ...extraHyphens] = range.split("-");
    if (extraHyphens.length > 0) return "too many hyphens";
    let start: number | undefined;
    let end: number | undefined;
    let isStar = false;
    if (low === "*" || low === "?") {
      [start, end, isStar] = [bounds.min, bounds.max, true];
    } else {
      start = number(low, bounds);
      end = high === undefined ? start : number(high, bounds);
    }
    if (start === undefined || end === undefined) return `'${part}' is not a number${bounds.names ? " or name" : ""}`;
    let by = 1;
    if (step !== undefined) {
      const parsed = number(step);
      if (parsed === undefined) return `step '${step}' is not a number`;
      by = parsed;
      if (high === undefined) end = bounds.max; // "N/step" means "N-max/step"
      if (by > 1) isStar = false;
    }
    if (start < bounds.min) return `${start} is below ${bounds.min}`;
    if (end > bounds.max) return `${end} is above ${bounds.max}`;
    if (start > end) return `range ${start}-${end} runs backwards`;
    if (by === 0) return "a step must be positive";
    for (let v = start; v <= end; v += by) values.add(v);
    star ||= isStar;
  }
  if (values.size === 0) return "is empty";
  return { values: [...values].sort((a, b) => a - b), star };
}

/** Go's strconv.Atoi for a non-negative value (a sign and leading zeros allowed), or a name. */
function number(text: string, bounds?: Bounds): number | undefined {
  const named = bounds?.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named > 0 || (named === 0 && bounds!.names![0] !== "")) return named;
  if (!/^\+?\d+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

function isFull(list: string, bounds: Bounds): boolean {
  return list.split(",").length === bounds.max - bounds.min + 1;
}

function isTimeZone(name: string): boolean {
  if (name === "" || name === "Local") return name === "Local";
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const UNITS: Record<string, number> = { ns: 1e-9, us: 1e-6, "µs": 1e-6, "μs": 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Go's time.ParseDuration, in seconds (`1h30m`, `1.5h`, `90s`, `0`). */
export function goDurationSeconds(text: string): number | undefined {
  if (text === "0" || text === "+0" || text === "-0") return 0;
  const match = /^([-+]?)((?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(text);
  if (!match) return undefined;
  let total = 0;
  for (const [, value, unit] of match[2].matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) total += Number(value) * UNITS[unit];
  return match[1] === "-" ? -total : total;
}

/** The shortest and the longest time between two runs of a schedule, in seconds. */
export interface ScheduleGaps {
  readonly shortest: number;
  readonly longest: number;
}

const gaps = new Map<string, ScheduleGaps | undefined>();
const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
/** Where every scan starts: a fixed instant, so the figure never depends on when it runs. */
const SCAN_FROM = Date.UTC(2025, 0, 1);

/**
 * The longest gap between two runs of `schedule`, in seconds: the worst case a backup can
 * be behind when a region is lost.
 */
export function longestGapSeconds(schedule: string): number {
  const found = scheduleGaps(schedule);
  if (!found) throw new Error(`invalid schedule '${schedule}': it never runs`);
  return found.longest;
}

/**
 * The shortest and longest gaps between runs of a schedule Velero accepts, or undefined when
 * it never runs (`0 0 30 2 *`). The scan covers one period of the pattern: a day (plus the
 * wrap-around) for daily patterns, eight days for weekly ones, a year otherwise.
 */
export function scheduleGaps(schedule: string): ScheduleGaps | undefined {
  if (gaps.has(schedule)) return gaps.get(schedule);
  const parsed = parseVeleroSchedule(schedule);
  if (typeof parsed === "string") throw new Error(`invalid schedule '${schedule}': ${parsed}`);
  let found: ScheduleGaps | undefined;
  if ("everySeconds" in parsed) {
    found = { shortest: parsed.everySeconds, longest: parsed.everySeconds };
  } else {
    const [, , dayOfMonth, month, dayOfWeek] = parsed.cron.split(" ");
    const weekly = dayOfMonth === "*" && month === "*";
    const period = !weekly ? 366 * DAY : dayOfWeek === "*" ? 25 * HOUR : 8 * DAY;
    const next = parsed.tz === "UTC" || parsed.tz === "Local" ? utcRuns(parsed.cron) : zonedRuns(parsed.cron, parsed.tz);
    let previous = next();
    if (previous !== NEVER) {
      const horizon = previous + period;
      let longest = 0;
      let shortest = Infinity;
      while (previous < horizon) {
        const run = next();
        longest = Math.max(longest, run - previous);
        shortest = Math.min(shortest, run - previous);
        previous = run;
      }
      found = { shortest: shortest / 1000, longest: longest / 1000 };
    }
  }
  gaps.set(schedule, found);
  return found;
}

/** What a run iterator returns for a pattern that never matches a date. */
const NEVER = -1;

/**
 * The runs of a five-field pattern in UTC after `SCAN_FROM`, one per call, as robfig/cron
 * matches them (`spec.go`: every field must match; day of month and day of week are OR-ed
 * when both are restricted). No time zone, so no clock changes: plain date arithmetic.
 */
function utcRuns(cron: string): () => number {
  const [minutes, hours, days, months, weekdays] = cron.split(" ").map((field) =>
    field === "*" ? undefined : new Set(field.split(",").map(Number)),
  );
  const either = days !== undefined && weekdays !== undefined;
  const dayMatches = (date: Date) => {
    const dom = !days || days.has(date.getUTCDate());
    const dow = !weekdays || weekdays.has(date.getUTCDay());
    return (!months || months.has(date.getUTCMonth() + 1)) && (either ? dom || dow : dom && dow);
  };
  const times = (hours ? [...hours] : Array.from({ length: 24 }, (_, h) => h)).flatMap((h) =>
    (minutes ? [...minutes] : Array.from({ length: 60 }, (_, m) => m)).map((m) => (h * 60 + m) * 60 * 1000),
  ).sort((a, b) => a - b);
  let day = SCAN_FROM;
  let index = 0;
  let last = SCAN_FROM;
  return () => {
    // Eight years covers every pattern that runs at all (29 February at most every eight).
    for (let scanned = 0; scanned < 8 * 366; ) {
      if (index >= times.length || !dayMatches(new Date(day))) {
        day += DAY;
        index = 0;
        scanned++;
        continue;
      }
      const run = day + times[index++];
      if (run > last) return (last = run);
    }
    return NEVER;
  };
}

/** A pattern in another zone: cron-parser, which follows the zone's clock changes. */
function zonedRuns(cron: string, tz: string): () => number {
  const { CronExpressionParser }: typeof import("cron-parser") = require("cron-parser");
  // cron-parser refuses a pattern that matches no date (30 February), at parse or first run.
  let runs: ReturnType<typeof CronExpressionParser.parse> | undefined;
  try {
    runs = CronExpressionParser.parse(cron, { tz, currentDate: new Date(SCAN_FROM) });
  } catch {
    return () => NEVER;
  }
  return () => {
    try {
      return runs!.next().getTime();
    } catch {
      return NEVER;
    }
  };
}

/** Parses a Go duration made of hours, minutes and seconds (`720h`, `90m`, `1h30m`). */
export function durationSeconds(duration: string): number | undefined {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(duration);
  if (!match || duration === "") return undefined;
  const [, h = "0", m = "0", s = "0"] = match;
  return Number(h) * 3600 + Number(m) * 60 + Number(s);
}
