import type { AgentObject, AlarmReport, Change, Commit, DeployedRelease, GitHistory, HealthSample, HealthSignal, StatusSource } from "./status-source";

/**
 * A rollout's statuses as recorded: what each source answered, each entry valid from its
 * time on. JSON (times as ISO strings), so an incident's answers can be saved and replayed
 * (`npm run rollout -- status --replay FILE`), and the scenario tests replay them on a
 * simulated clock.
 */
export interface Recording {
  /** The branch's commits, oldest first (a linear history, as a merge queue or squash merges give). */
  readonly commits: { sha: string; at: string; subject?: string; paths: string[] }[];
  /** Per cluster: what its agent's API answered from `at` on (`objects` absent: it did not answer). */
  readonly agents: Record<string, { at: string; objects?: AgentObject[] }[]>;
  /** Per cluster: its health signals and their samples. */
  readonly health: Record<string, { name: string; id: string; samples: { at: string; green: boolean }[] }[]>;
  /** Per `<region>/<alarm>`: its state from `at` on. */
  readonly alarms?: Record<string, { at: string; state: AlarmReport["state"] }[]>;
  /** Per URL: its status code (or error) from `at` on. */
  readonly probes?: Record<string, { at: string; status?: number; error?: string }[]>;
  /** Per cluster: its deployed version from `at` on. */
  readonly deployed?: Record<string, { at: string; kubernetesVersion: string }[]>;
}

const at = (iso: string) => new Date(iso);

/** The latest entry at or before `now`. */
function current<T extends { at: string }>(entries: readonly T[] | undefined, now: Date): T | undefined {
  let found: T | undefined;
  for (const entry of entries ?? []) if (at(entry.at) <= now) found = entry;
  return found;
}

/** Replays a recording on a clock the caller moves (`advance`, `set`). */
export class RecordedSource implements StatusSource {
  private clock: Date;
  readonly git: GitHistory;

  constructor(readonly recording: Recording, start: Date) {
    this.clock = start;
    this.git = {
      lastChange: async (path) => this.visible().filter((c) => touches(c, path)).map(commitOf).at(-1),
      includes: async (commit, ancestor) => {
        const order = this.visible().map((c) => c.sha);
        const [i, j] = [indexOf(order, commit), indexOf(order, ancestor)];
        return i < 0 || j < 0 ? undefined : i >= j;
      },
      changes: async (path, since) => {
        const visible = this.visible();
        const from = since === undefined ? 0 : indexOf(visible.map((c) => c.sha), since) + 1;
        return visible.slice(Math.max(0, from)).filter((c) => touches(c, path)).map((c) => ({ ...commitOf(c), subject: c.subject ?? "", paths: c.paths }) as Change).reverse();
      },
    };
  }

  now(): Date {
    return this.clock;
  }

  advance(seconds: number): void {
    this.clock = new Date(this.clock.getTime() + seconds * 1000);
  }

  /** Commits pushed by now. */
  private visible() {
    return (this.recording.commits ?? []).filter((c) => at(c.at) <= this.clock);
  }

  async agentObjects(cluster: string): Promise<readonly AgentObject[] | undefined> {
    return current(this.recording.agents?.[cluster], this.clock)?.objects;
  }

  async healthSignals(cluster: string): Promise<readonly HealthSignal[]> {
    return (this.recording.health?.[cluster] ?? []).map((s) => ({ cluster, name: s.name, id: s.id }));
  }

  async healthSamples(signal: HealthSignal, from: Date, to: Date): Promise<readonly HealthSample[]> {
    const recorded = (this.recording.health?.[signal.cluster] ?? []).find((s) => s.id === signal.id)?.samples ?? [];
    return recorded.map((s) => ({ at: at(s.at), green: s.green })).filter((s) => s.at >= from && s.at <= to && s.at <= this.clock);
  }

  async alarm(name: string, region: string, since: Date): Promise<AlarmReport | undefined> {
    const entries = this.recording.alarms?.[`${region}/${name}`];
    const now = current(entries, this.clock);
    if (!now) return undefined;
    const changes = (entries ?? []).filter((e) => at(e.at) > since && at(e.at) <= this.clock).map((e) => ({ at: at(e.at), to: e.state }));
    return { state: now.state, changes };
  }

  async probe(url: string): Promise<{ status: number } | { error: string }> {
    const answer = current(this.recording.probes?.[url], this.clock);
    if (!answer) return { error: "no answer recorded" };
    return answer.status !== undefined ? { status: answer.status } : { error: answer.error ?? "no answer" };
  }

  async deployed(cluster: string): Promise<DeployedRelease | undefined> {
    const entry = current(this.recording.deployed?.[cluster], this.clock);
    return entry ? { kubernetesVersion: entry.kubernetesVersion, since: at(entry.at) } : undefined;
  }
}

const commitOf = (c: { sha: string; at: string }): Commit => ({ sha: c.sha, at: at(c.at) });
/** A recorded path ending in `/` is a whole folder. */
const touches = (c: { paths: readonly string[] }, path: string) =>
  c.paths.some((p) => p === path || p.startsWith(`${path.replace(/\/$/, "")}/`) || (p.endsWith("/") && `${path}/`.startsWith(p)));
/** A full SHA or an abbreviation of one. */
const indexOf = (order: readonly string[], sha: string) => order.findIndex((s) => s === sha || (sha.length >= 7 && s.startsWith(sha)));
