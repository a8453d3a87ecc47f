"use strict";
// Preloaded (`node -r`) into every benchmarked process, ours and the peer's alike: reports
// the process's peak resident memory when it exits, on stderr, for bench/run.ts to read.
process.on("exit", () => process.stderr.write(`peakRssMiB=${Math.round(process.resourceUsage().maxRSS / 1024)}\n`));
