// The soak's memory verdict: samples read from /metrics, compared as the median of a window after the
// warm-up against the median of the last window (a single sample lands anywhere in a collector's cycle).
import { memorySample, memoryTrend, metricValue, rssSplit, type MemorySample } from '../../bench/memoryTrend.js';

const METRICS = [
  '# HELP process_resident_memory_bytes Resident memory size in bytes.',
  '# TYPE process_resident_memory_bytes gauge',
  'process_resident_memory_bytes 104857600',
  '# HELP nodejs_heap_size_total_bytes Process heap size from Node.js in bytes.',
  'nodejs_heap_size_total_bytes 62914560',
  'nodejs_heap_size_used_bytes 41943040',
  'nodejs_heap_space_size_used_bytes{space="old"} 1',
  'nodejs_heap_size_used_bytes_extra 7',
  '',
].join('\n');

test('reads unlabelled series by their exact name, not a longer one or a comment', () => {
  expect(metricValue(METRICS, 'process_resident_memory_bytes')).toBe(104857600);
  expect(metricValue(METRICS, 'nodejs_heap_size_used_bytes')).toBe(41943040);
  expect(metricValue(METRICS, 'nodejs_heap_size')).toBeUndefined();
  expect(metricValue(METRICS, 'nodejs_eventloop_lag_seconds')).toBeUndefined();
});

test('a sample in MB; none when a series is missing', () => {
  expect(memorySample(5000, METRICS)).toEqual({ t: 5000, rssMb: 100, heapUsedMb: 40, heapTotalMb: 60 });
  expect(memorySample(0, 'process_resident_memory_bytes 1\n')).toBeUndefined();
});

const at = (t: number, rssMb: number): MemorySample => ({ t, rssMb, heapUsedMb: 0, heapTotalMb: 0 });

test('compares the medians of the window after the warm-up and the last window, ignoring the warm-up itself', () => {
  // Warm-up to 60 s climbs from 50 to 150 MB; then a sawtooth around 100, ending around 105.
  const samples = [at(0, 50), at(30_000, 150), at(60_000, 98), at(70_000, 102), at(80_000, 100), at(200_000, 100), at(240_000, 104), at(260_000, 110), at(270_000, 105)];
  const trend = memoryTrend(samples, 60_000, 30_000, (s) => s.rssMb);
  expect(trend.afterWarmUp).toEqual({ from: 60_000, to: 90_000, samples: 3, median: 100, min: 98, max: 102 });
  expect(trend.atEnd).toEqual({ from: 240_000, to: 270_000, samples: 3, median: 105, min: 104, max: 110 });
  expect(trend.growthPct).toBe(5);
});

test('an even number of samples takes the mean of the middle two; a short run still has both windows', () => {
  const trend = memoryTrend([at(10_000, 100), at(15_000, 102), at(20_000, 120), at(25_000, 124)], 10_000, 6_000, (s) => s.rssMb);
  expect(trend.afterWarmUp.median).toBe(101);
  expect(trend.atEnd.median).toBe(122);
  expect(trend.growthPct).toBe(20.8);
});

test('RSS split into anonymous, file-backed and shared memory from /proc/<pid>/status; nothing where a field is missing', () => {
  const status = 'Name:\tnode\nVmHWM:\t  200000 kB\nVmRSS:\t  190000 kB\nRssAnon:\t  153600 kB\nRssFile:\t   35840 kB\nRssShmem:\t     512 kB\n';
  expect(rssSplit(status)).toEqual({ rssAnonMb: 150, rssFileMb: 35, rssShmemMb: 0.5 });
  expect(rssSplit('Name:\tnode\nVmRSS:\t 1 kB\n')).toEqual({});
});
