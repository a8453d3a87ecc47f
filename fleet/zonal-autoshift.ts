import { Problem } from "./errors";
import { FleetConfig } from "./schema";

/**
 * The rules of an ARC practice run configuration that the program can check before a deploy
 * (ARC zonal shift API, CreatePracticeRunConfiguration: `AllowedWindow`/`BlockedWindow`
 * `Day:HH:MM-Day:HH:MM` with Mon…Sun, windows that start and end on the same day,
 * `BlockedDate` `YYYY-MM-DD`, at most 15 of each; allowed and blocked windows are exclusive:
 * hashicorp/terraform-provider-aws internal/service/arczonalshift/zonal_autoshift_configuration.go).
 */
const WINDOW = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun):([01]\d|2[0-3]):([0-5]\d)-(Mon|Tue|Wed|Thu|Fri|Sat|Sun):([01]\d|2[0-3]):([0-5]\d)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The fewest system nodes a cluster may scale to with autoshift on: a practice run (weekly)
 * shifts traffic away from one zone, which removes that zone's endpoints from every Service;
 * the gateway runs two replicas spread over zones (charts/platform/gateway.ts), so two nodes
 * keep one replica outside any single zone.
 */
export const AUTOSHIFT_MIN_NODES = 2;

function windowProblem(window: string): string | undefined {
  const m = WINDOW.exec(window);
  const ok = m !== null && m[1] === m[4] && Number(m[5]) * 60 + Number(m[6]) > Number(m[2]) * 60 + Number(m[3]);
  return ok
    ? undefined
    : `'${window}' must be one window within a day, in UTC, as Day:HH:MM-Day:HH:MM with the same day (Mon…Sun) twice and the end after the start, such as Wed:12:00-Wed:17:00: ARC does not take windows that span days`;
}

function dateProblem(date: string): string | undefined {
  const m = DATE.exec(date);
  const day = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  const real = day !== undefined && day.toISOString().slice(0, 10) === date;
  return real ? undefined : `'${date}' must be a calendar date as YYYY-MM-DD (UTC), such as 2026-12-24`;
}

/** What keeps `zonalAutoshift` from working: a practice run configuration ARC refuses, or a cluster a practice run would take down. */
export function checkZonalAutoshift(fleet: FleetConfig): Problem[] {
  const autoshift = fleet.zonalAutoshift;
  if (!autoshift) return [];
  const at = (key: string) => `fleet.zonalAutoshift.${key}`;
  const problems: Problem[] = [];
  if (autoshift.allowedWindows && autoshift.blockedWindows) {
    problems.push({
      path: at("blockedWindows"),
      message: "cannot be combined with allowedWindows: ARC takes either the windows practice runs may start in or those they may not (CreatePracticeRunConfiguration); keep one",
    });
  }
  for (const key of ["allowedWindows", "blockedWindows"] as const) {
    autoshift[key]?.forEach((window, i) => {
      const problem = windowProblem(window);
      if (problem) problems.push({ path: at(`${key}[${i}]`), message: problem });
    });
  }
  autoshift.blockedDates?.forEach((date, i) => {
    const problem = dateProblem(date);
    if (problem) problems.push({ path: at(`blockedDates[${i}]`), message: problem });
  });
  fleet.clusters.forEach((cluster, i) => {
    if (cluster.nodes.min >= AUTOSHIFT_MIN_NODES) return;
    problems.push({
      path: `fleet.clusters[${i}].nodes.min`,
      message: `${cluster.nodes.min} with zonalAutoshift: ARC practises every week by shifting traffic away from one zone, and with fewer than ${AUTOSHIFT_MIN_NODES} system nodes both gateway replicas can share that zone, so the cluster would fail its health check; set min to at least ${AUTOSHIFT_MIN_NODES}`,
    });
  });
  return problems;
}
