"use strict";
// Preloaded (`node -r`) into every benchmarked process, ours and the peer's alike: reports,
// when it exits, its peak resident memory and the CPU time of all its threads, on stderr.
process.on("exit", () => {
  const { user, system } = process.cpuUsage();
  process.stderr.write(`peakRssMiB=${Math.round(process.resourceUsage().maxRSS / 1024)} cpuMs=${Math.round((user + system) / 1000)}\n`);
});
