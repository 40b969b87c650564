// The bench keeps every run under a name that says when and on what CPU: short, safe in a file name,
// and different for the machines we compare.
import { cpuShortName, machineBusyMs, resultFileName, type Machine } from '../../bench/machine.js';

test.each([
  ['Intel(R) Xeon(R) CPU @ 2.00GHz', 2, 'intel-xeon-2.00ghz-2c'],
  ['AMD EPYC 7B13', 2, 'amd-epyc-7b13-2c'],
  ['AMD EPYC', 2, 'amd-epyc-2c'],
  ['AMD Ryzen 9 7950X 16-Core Processor', 32, 'amd-ryzen-9-7950x-32c'],
  ['Apple M2', 8, 'apple-m2-8c'],
])('%s, %i cores → %s', (cpu, cores, expected) => {
  expect(cpuShortName({ cpu, cores })).toBe(expected);
});

test('a run is kept as <date>T<hhmm>Z-<cpu>.json', () => {
  const machine: Machine = { cpu: 'AMD EPYC', cores: 2, mhz: 0, node: 'v24.21.0', date: '2026-12-01T10:43:01.593Z', loadAverageAtStart: [0, 0, 0] };
  expect(resultFileName(machine)).toBe('2026-12-01T1043Z-amd-epyc-2c.json');
});

test('the machine’s busy time from /proc/stat: user, nice, system, irq, softirq and steal, not idle or iowait', () => {
  const stat = 'cpu  100 20 30 5000 40 5 6 7 0 0\ncpu0 50 10 15 2500 20 2 3 3 0 0\n';
  expect(machineBusyMs(stat)).toBe((100 + 20 + 30 + 5 + 6 + 7) * 10);
  expect(machineBusyMs('intr 1 2 3\n')).toBeNaN();
});
