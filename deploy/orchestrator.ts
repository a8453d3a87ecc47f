/**
 * Runs `preview` or `up` over a fleet's stacks with an existing engine (the Pulumi Automation
 * API, deploy/automation-runner.ts; tests use a recorded runner): stage after stage in the
 * order deploy/stacks.ts gives (fleet, each rollout wave's clusters, links), the stacks of a
 * stage in parallel with at most `parallel` at once, and no stack started after the first
 * failure. A stack already running is let finish: stopping `pulumi up` halfway leaves pending
 * operations in its state. Every stack gets a result, run or not.
 */
export type Operation = "preview" | "up";

/** What one stack's run changed, by operation (Pulumi's change summary: create, update, same, …). */
export interface StackOutcome {
  readonly changes: Readonly<Record<string, number>>;
}

/** Runs one stack's preview or up; rejects when it fails. */
export interface StackRunner {
  run(stack: string, operation: Operation): Promise<StackOutcome>;
}

export type StackStatus = "succeeded" | "failed" | "not run";

export interface StackResult {
  readonly stack: string;
  /** 1-based stage (fleet, waves, links). */
  readonly stage: number;
  readonly status: StackStatus;
  readonly changes?: Readonly<Record<string, number>>;
  /** The failure, or why the stack was not run. */
  readonly detail?: string;
}

export interface OrchestrationReport {
  readonly operation: Operation;
  readonly ok: boolean;
  /** Every stack of the stages given, in stage order. */
  readonly results: StackResult[];
}

export interface OrchestrationOptions {
  readonly operation: Operation;
  /** Stacks in flight at once within a stage (CI runners, API rate limits). */
  readonly parallel: number;
  /** Only these stacks (those a change touches); the others are reported as not run. @default every stack */
  readonly only?: ReadonlySet<string>;
  /** Told when each stack starts and ends, for progress output. */
  readonly onEvent?: (event: { readonly stack: string; readonly phase: "start" | "end"; readonly result?: StackResult }) => void;
}

export async function orchestrate(stages: readonly (readonly string[])[], runner: StackRunner, options: OrchestrationOptions): Promise<OrchestrationReport> {
  if (!Number.isInteger(options.parallel) || options.parallel < 1) throw new RangeError(`parallel must be a positive integer, not ${options.parallel}`);
  const results = new Map<string, StackResult>();
  let failed: string | undefined;
  for (const [i, stage] of stages.entries()) {
    const number = i + 1;
    const queue = stage.filter((stack) => {
      if (options.only && !options.only.has(stack)) {
        results.set(stack, { stack, stage: number, status: "not run", detail: "not touched by the change" });
        return false;
      }
      return true;
    });
    const worker = async () => {
      for (let stack = queue.shift(); stack !== undefined; stack = queue.shift()) {
        if (failed) {
          results.set(stack, { stack, stage: number, status: "not run", detail: `stopped after ${failed} failed` });
          continue;
        }
        options.onEvent?.({ stack, phase: "start" });
        let result: StackResult;
        try {
          const { changes } = await runner.run(stack, options.operation);
          result = { stack, stage: number, status: "succeeded", changes };
        } catch (err) {
          failed ??= stack;
          result = { stack, stage: number, status: "failed", detail: err instanceof Error ? err.message : String(err) };
        }
        results.set(stack, result);
        options.onEvent?.({ stack, phase: "end", result });
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.parallel, Math.max(queue.length, 1)) }, worker));
  }
  const ordered = stages.flat().map((stack) => results.get(stack)!);
  return { operation: options.operation, ok: failed === undefined, results: ordered };
}

/** The report as a table: one line per stack, then the outcome. */
export function formatReport(report: OrchestrationReport): string {
  const width = Math.max(5, ...report.results.map((r) => r.stack.length));
  const lines = report.results.map((r) => {
    const changes = r.changes ? Object.entries(r.changes).filter(([, n]) => n > 0).map(([op, n]) => `${op} ${n}`).join(", ") : "";
    return `  ${String(r.stage).padStart(2)}  ${r.stack.padEnd(width)}  ${r.status.padEnd(9)}  ${changes || r.detail || ""}`.trimEnd();
  });
  const failed = report.results.filter((r) => r.status === "failed").map((r) => r.stack);
  const outcome = report.ok ? `${report.operation}: every stack run succeeded` : `${report.operation} stopped: ${failed.join(", ")} failed; later stacks were not started`;
  return [`stage  ${"stack".padEnd(width)}  status     changes`, ...lines, outcome].join("\n");
}
