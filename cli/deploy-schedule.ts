import { DependencyGraph, GraphResource } from "./engine/graph";

/** How the engine runs a deploy: what each resource costs, which stack it is in, and the slots per stack. */
export interface ScheduleOptions<R extends GraphResource> {
  /** Seconds the resource's create step holds a slot. */
  readonly durationOf: (resource: R) => number;
  /** The stack the resource is deployed with. */
  readonly stackOf: (resource: R) => string;
  /** Operations in flight per stack (`pulumi up --parallel`); Infinity for unbounded. */
  readonly slots: number;
  /** Stacks deployed at once (a CI matrix's `max-parallel`); with `stages`, per stage. @default Infinity */
  readonly stackSlots?: number | ((stage: readonly string[]) => number);
  /**
   * The orchestrator's stages (deploy/stacks.ts `deployStages`): a stage's stacks start once
   * every stack of the stage before has finished, though no resource edge crosses (a cluster
   * stack reads the fleet stack through a StackReference, a read of the backend). Every stack
   * is in one stage. @default none: a stack waits only for the stacks its resources wait for
   */
  readonly stages?: readonly (readonly string[])[];
}

/** One stack's `pulumi up` in the schedule. */
export interface StackRun {
  readonly stack: string;
  readonly resources: number;
  /** The stacks it starts after: those its resources wait for, and the stage before its own. */
  readonly after: string[];
  /** Its 1-based stage, when the deploy runs in stages. */
  readonly stage?: number;
  readonly startSeconds: number;
  readonly finishSeconds: number;
}

export interface Schedule {
  /** Wall time from the first stack's start to the last one's finish. */
  readonly seconds: number;
  /** Each stack, in the order they finish (ties by name). */
  readonly stacks: StackRun[];
}

/**
 * Simulates a first deploy the way the Pulumi engine runs it. Within a stack, a resource is
 * registered once everything it waits for exists (the language host sends it then), and its
 * step queues for one of `slots` workers, first come first served: the engine starts
 * `--parallel` workers that take steps one at a time from one channel, each holding its
 * worker until the provider's create returns (pulumi/pulumi pkg/resource/deploy/step_executor.go,
 * `newStepExecutor`, `worker`). Steps that become ready at the same moment queue by URN, so
 * the figure is stable from run to run. Steps that take no time (components, providers)
 * still wait for a free worker, as they do in the engine.
 *
 * Stacks are separate `pulumi up` runs, each with its own workers (one CI job per stack). A
 * stack starts when every stack it depends on has finished, and it depends on each stack
 * one of its resources waits for: it reads their outputs, which exist only after their update.
 * In `stages`, as the orchestrator runs them, a stage starts when the one before has ended.
 * At most `stackSlots` stacks run at once (a matrix's `max-parallel`), ready ones first come
 * first served. A cycle between stacks, or a stack waiting for a later stage, cannot be
 * deployed and is an error.
 */
export function scheduleDeploy<R extends GraphResource>(graph: DependencyGraph<R>, options: ScheduleOptions<R>): Schedule {
  const { durationOf, stackOf, slots } = options;
  if (!(slots >= 1)) throw new Error(`a deploy needs at least one slot, not ${slots}`);
  const members = new Map<string, R[]>();
  for (const r of graph.resources) {
    const stack = stackOf(r);
    if (!members.has(stack)) members.set(stack, []);
    members.get(stack)!.push(r);
  }
  const stackOfUrn = new Map(graph.resources.map((r) => [r.urn, stackOf(r)]));
  const waits = new Map(graph.resources.map((r) => [r.urn, graph.waitsOn(r.urn)]));
  const seconds = new Map(graph.resources.map((r) => [r.urn, durationOf(r)]));
  const after = new Map<string, Set<string>>([...members.keys()].map((s) => [s, new Set<string>()]));
  for (const [urn, deps] of waits) {
    const from = stackOfUrn.get(urn)!;
    for (const dep of deps) {
      const to = stackOfUrn.get(dep)!;
      if (from !== to) after.get(from)!.add(to);
    }
  }

  // A stack's update takes as long whenever it starts: its dependencies elsewhere are met by then.
  const stackSeconds = new Map([...members].map(([stack, rs]) => [stack, listSchedule(rs.map((r) => r.urn), waits, seconds, slots, "a dependency cycle inside a stack").seconds]));
  const slotsOf = (stage: readonly string[]) => (typeof options.stackSlots === "function" ? options.stackSlots(stage) : options.stackSlots ?? Infinity);
  const starts = new Map<string, number>();
  const stageOf = new Map<string, number>();
  if (options.stages) {
    // Stages never overlap, so each is scheduled on its own, from the previous one's end.
    const stages = options.stages.map((stage) => stage.filter((s) => members.has(s))).filter((stage) => stage.length > 0);
    stages.forEach((stage, i) => stage.forEach((s) => stageOf.set(s, i + 1)));
    const unstaged = [...members.keys()].filter((s) => !stageOf.has(s));
    if (unstaged.length > 0) throw new Error(`stacks in no stage: ${unstaged.join(", ")}`);
    let begin = 0;
    for (const [i, stage] of stages.entries()) {
      for (const s of stage) for (const other of after.get(s)!) if (stageOf.get(other)! > i + 1) throw new Error(`${s} waits for ${other}, a later stage`);
      const run = listSchedule(stage, new Map(stage.map((s) => [s, [...after.get(s)!]])), stackSeconds, slotsOf(stage), "stacks wait for each other in a cycle");
      for (const s of stage) {
        starts.set(s, begin + run.starts.get(s)!);
        if (i > 0) for (const before of stages[i - 1]) after.get(s)!.add(before);
      }
      begin += run.seconds;
    }
  } else {
    // Stacks queue for the matrix's slots as steps queue for workers: first ready first served.
    const run = listSchedule([...members.keys()], new Map([...after].map(([stack, set]) => [stack, [...set]])), stackSeconds, slotsOf([...members.keys()]), "stacks wait for each other in a cycle");
    for (const [s, t] of run.starts) starts.set(s, t);
  }
  const stacks = [...members.keys()]
    .map((stack) => ({
      stack,
      resources: members.get(stack)!.length,
      after: [...after.get(stack)!].sort(),
      ...(stageOf.has(stack) ? { stage: stageOf.get(stack)! } : {}),
      startSeconds: starts.get(stack)!,
      finishSeconds: starts.get(stack)! + stackSeconds.get(stack)!,
    }))
    .sort((a, b) => a.finishSeconds - b.finishSeconds || (a.stack < b.stack ? -1 : 1));
  return { seconds: Math.max(0, ...stacks.map((s) => s.finishSeconds)), stacks };
}

/**
 * List scheduling with `slots` workers, first ready first served, from time 0: steps of one
 * stack (waits outside `urns` are already met), or stacks of a deploy. When each starts, and
 * when the last finishes.
 */
function listSchedule(urns: readonly string[], waits: ReadonlyMap<string, string[]>, seconds: ReadonlyMap<string, number>, slots: number, cycle: string): { seconds: number; starts: Map<string, number> } {
  const inStack = new Set(urns);
  const waiting = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const urn of urns) {
    let count = 0;
    for (const d of waits.get(urn)!) {
      if (!inStack.has(d)) continue;
      count++;
      if (!dependents.has(d)) dependents.set(d, []);
      dependents.get(d)!.push(urn);
    }
    waiting.set(urn, count);
  }
  const queue: string[] = urns.filter((urn) => waiting.get(urn) === 0).sort();
  let head = 0;
  const running = new MinHeap();
  const starts = new Map<string, number>();
  let now = 0;
  let done = 0;
  const finish = (urns: string[]) => {
    const ready: string[] = [];
    for (const urn of urns) {
      done++;
      for (const next of dependents.get(urn) ?? []) {
        const left = waiting.get(next)! - 1;
        waiting.set(next, left);
        if (left === 0) ready.push(next);
      }
    }
    queue.push(...ready.sort());
  };
  while (done < urns.length) {
    // Fill free workers in queue order; a step that takes no time frees its worker at once.
    while (head < queue.length && running.size < slots) {
      const urn = queue[head++];
      const takes = seconds.get(urn)!;
      starts.set(urn, now);
      if (takes > 0) running.push(now + takes, urn);
      else finish([urn]);
    }
    if (running.size === 0) {
      if (head < queue.length) continue;
      throw new Error(cycle);
    }
    now = running.peekTime();
    const ended: string[] = [];
    while (running.size > 0 && running.peekTime() === now) ended.push(running.pop());
    finish(ended.sort());
  }
  return { seconds: now, starts };
}

/** Running steps by finish time (then URN), so the earliest finish is always on top. */
class MinHeap {
  private readonly items: [number, string][] = [];

  get size(): number {
    return this.items.length;
  }

  peekTime(): number {
    return this.items[0][0];
  }

  push(time: number, urn: string): void {
    const items = this.items;
    items.push([time, urn]);
    for (let i = items.length - 1; i > 0;) {
      const up = (i - 1) >> 1;
      if (!before(items[i], items[up])) break;
      [items[i], items[up]] = [items[up], items[i]];
      i = up;
    }
  }

  pop(): string {
    const items = this.items;
    const top = items[0];
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let least = i;
        if (l < items.length && before(items[l], items[least])) least = l;
        if (r < items.length && before(items[r], items[least])) least = r;
        if (least === i) break;
        [items[i], items[least]] = [items[least], items[i]];
        i = least;
      }
    }
    return top[1];
  }
}

const before = (a: [number, string], b: [number, string]) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
