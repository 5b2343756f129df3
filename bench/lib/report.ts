/** Prints a benchmark's figures the same way for every benchmark: median, p99, peak RSS. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

/** Samples this process's resident memory every 50 ms; `stop()` answers the peak in MiB. */
export function trackPeakRss() {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  return {
    stop(): number {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage.rss());
      return peak / 1024 / 1024;
    },
  };
}

export function printFigures(name: string, figures: Record<string, string | number>) {
  console.log(`\n## ${name}`);
  for (const [key, value] of Object.entries(figures)) {
    console.log(`- ${key}: ${typeof value === "number" ? Number(value.toFixed(2)) : value}`);
  }
}
