// The soak's memory figures: samples read from the bot's GET /metrics (prom-client's default series),
// and whether they stayed flat — the samples of a window after the warm-up against those of the last
// window, each as its median with its range (one sample is at the mercy of where the collector was).

/** One reading, `t` ms after the traffic started. */
export interface MemorySample {
  t: number;
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  /**
   * RSS split as the kernel counts it (/proc/<pid>/status: RssAnon, RssFile, RssShmem), where the bot
   * is a process of this machine: anonymous memory (V8's heap, native buffers) apart from mapped files.
   */
  rssAnonMb?: number;
  rssFileMb?: number;
  rssShmemMb?: number;
}

/** RssAnon, RssFile and RssShmem from a /proc/<pid>/status text, in MB; empty when absent. */
export function rssSplit(status: string): Pick<MemorySample, 'rssAnonMb' | 'rssFileMb' | 'rssShmemMb'> {
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  const mb = (value: number) => Math.round((value / 1024) * 10) / 10;
  const [anon, file, shmem] = [kb('RssAnon'), kb('RssFile'), kb('RssShmem')];
  if ([anon, file, shmem].some(Number.isNaN)) return {};
  return { rssAnonMb: mb(anon), rssFileMb: mb(file), rssShmemMb: mb(shmem) };
}

const MB = 1024 * 1024;

/** The value of an unlabelled series in Prometheus' text format; undefined when absent. */
export function metricValue(text: string, name: string): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (match?.[1] === name) return Number(match[3]);
  }
  return undefined;
}

/** A sample from a /metrics answer: RSS, heap used and heap total, in MB; undefined when a series is missing. */
export function memorySample(t: number, text: string): MemorySample | undefined {
  const rss = metricValue(text, 'process_resident_memory_bytes');
  const used = metricValue(text, 'nodejs_heap_size_used_bytes');
  const total = metricValue(text, 'nodejs_heap_size_total_bytes');
  if (rss === undefined || used === undefined || total === undefined) return undefined;
  const mb = (bytes: number) => Math.round((bytes / MB) * 10) / 10;
  return { t, rssMb: mb(rss), heapUsedMb: mb(used), heapTotalMb: mb(total) };
}

export interface Window {
  from: number;
  to: number;
  samples: number;
  median: number;
  min: number;
  max: number;
}

export interface Trend {
  afterWarmUp: Window;
  atEnd: Window;
  /** (end median − after-warm-up median) / after-warm-up median, in percent. */
  growthPct: number;
}

function window(samples: readonly MemorySample[], from: number, to: number, pick: (s: MemorySample) => number): Window {
  const values = samples
    .filter((s) => s.t >= from && s.t <= to)
    .map(pick)
    .sort((a, b) => a - b);
  if (values.length === 0) return { from, to, samples: 0, median: Number.NaN, min: Number.NaN, max: Number.NaN };
  const mid = values.length / 2;
  const median = values.length % 2 === 1 ? values[Math.floor(mid)]! : (values[mid - 1]! + values[mid]!) / 2;
  return { from, to, samples: values.length, median: Math.round(median * 10) / 10, min: values[0]!, max: values[values.length - 1]! };
}

/**
 * `pick`'s trend over the samples: the window of `windowMs` starting at `warmUpMs` against the window of
 * `windowMs` ending at the last sample. Samples before the warm-up ended count in neither.
 */
export function memoryTrend(samples: readonly MemorySample[], warmUpMs: number, windowMs: number, pick: (s: MemorySample) => number): Trend {
  const last = samples.reduce((m, s) => Math.max(m, s.t), Number.NEGATIVE_INFINITY);
  const afterWarmUp = window(samples, warmUpMs, warmUpMs + windowMs, pick);
  const atEnd = window(samples, Math.max(warmUpMs, last - windowMs), last, pick);
  const growthPct = Math.round(((atEnd.median - afterWarmUp.median) / afterWarmUp.median) * 1000) / 10;
  return { afterWarmUp, atEnd, growthPct };
}
