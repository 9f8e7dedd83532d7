/** One line of `npm run bench`: a figure, its target, and the peak memory it took. */
export interface Figure {
  name: string;
  value: string;
  target: string;
  peakRssMiB: number;
  note?: string;
}

/** Median wall time of `runs` runs of `work`, after one warm-up run. */
export async function medianMs(
  runs: number,
  work: () => Promise<unknown> | unknown,
): Promise<number> {
  await work();
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

export function peakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
