import * as path from "path";

/** Preloaded into every benchmarked process, ours and the peer's alike (`node -r`). */
export const PEAK_RSS = path.join(__dirname, "peak-rss.js");

/** What bench/peak-rss.js reported as the process exited. */
export function exitReport(stderr: string): { peakRssMiB: number; cpuMs: number } {
  const match = /peakRssMiB=(\d+) cpuMs=(\d+)/.exec(stderr);
  if (!match) throw new Error(`no exit report in:\n${stderr}`);
  return { peakRssMiB: Number(match[1]), cpuMs: Number(match[2]) };
}
