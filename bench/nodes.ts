// `BENCH_ONLY=nodes npm run bench`: reading a kubectl dump and proposing node groups (issue 18), the
// work "Fill from my nodes" does with an attached file — for generated clusters of 10, 100 and 1000
// nodes, as `kubectl get nodes -o json` (with 25 images a node, as kubectl prints them: 1000 nodes pass
// the 10 MB file cap, and the refusal gives the jq command that drops them), as that dump without its
// images, and as the `--show-labels` table. Each size runs in a fresh child process (node --expose-gc), so that its peak
// memory is its own: the dump is made and held first (a bot holds the downloaded text too), the peak
// resident set is reset (/proc/self/clear_refs) and the baseline taken, then parse-and-propose runs
// once cold (what the first fill after a start costs) and a few times warm. CPU time is the process's
// user + system time around the call; memory is the peak RSS (VmHWM) above the baseline, and the heap
// used at the end of the cold call. Prints the machine and a table; writes the same as JSON to
// bench/results/<date>T<hhmm>Z-<cpu>-nodes.json. Targets: 1000 nodes under 250 ms of CPU and under
// 100 MB above the baseline.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { proposeNodeGroups } from '../src/domain/nodes/proposal.js';
import { round } from './load.js';
import { describeMachine, loadAverage, machineLine, resultFileName, type Machine } from './machine.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');
const SIZES = (process.env['BENCH_NODES_SIZES'] ?? '10,100,1000').split(',').map(Number);
const WARM_RUNS = Number(process.env['BENCH_NODES_WARM'] ?? 5);
/** As kubectl prints them; without images and managedFields (the jq command the size cap's error gives); the table. */
const FORMATS = ['json', 'json-no-images', 'show-labels'] as const;
type Format = (typeof FORMATS)[number];
const CPU_TARGET_MS = 250;
const MEMORY_TARGET_MB = 100;

export interface NodesRow {
  nodes: number;
  format: Format;
  inputMb: number;
  groups: number;
  findings: number;
  cpuMsCold: number;
  cpuMsWarmMedian: number;
  wallMsCold: number;
  /** Peak resident set above the baseline (the dump held), in MB. */
  peakRssAboveBaselineMb: number | null;
  heapUsedAfterMb: number;
}

/** Five pools of a cluster: GPU pools (on-demand and spot), CPU pools, a system pool; some nodes labelled. */
const POOLS = [
  { pool: 'system', type: 'm5.xlarge', cpu: '4', memory: '16093940Ki', gpu: undefined, capacity: 'ON_DEMAND' },
  { pool: 'cpu-workers', type: 'c6i.4xlarge', cpu: '16', memory: '32386252Ki', gpu: undefined, capacity: 'ON_DEMAND' },
  { pool: 'gpu-a10g', type: 'g5.2xlarge', cpu: '8', memory: '32386252Ki', gpu: { product: 'NVIDIA-A10G', count: '1' }, capacity: 'ON_DEMAND' },
  { pool: 'gpu-l4-spot', type: 'g6.4xlarge', cpu: '16', memory: '65011712Ki', gpu: { product: 'NVIDIA-L4', count: '1' }, capacity: 'SPOT' },
  { pool: 'gpu-h100', type: 'p5.48xlarge', cpu: '192', memory: '2097152000Ki', gpu: { product: 'NVIDIA-H100-80GB-HBM3', count: '8' }, capacity: 'ON_DEMAND' },
] as const;

function nodeName(i: number): string {
  return `ip-10-${Math.floor(i / 250)}-${Math.floor(i / 5) % 50}-${i % 250}.us-west-2.compute.internal`;
}

function labelsOf(i: number): Record<string, string> {
  const p = POOLS[i % POOLS.length]!;
  return {
    'beta.kubernetes.io/arch': 'amd64',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/os': 'linux',
    'kubernetes.io/hostname': nodeName(i),
    'node.kubernetes.io/instance-type': p.type,
    'eks.amazonaws.com/nodegroup': p.pool,
    'eks.amazonaws.com/capacityType': p.capacity,
    'topology.kubernetes.io/region': 'us-west-2',
    'topology.kubernetes.io/zone': `us-west-2${'abc'[i % 3]}`,
    ...(i % 3 === 0 ? { 'simplismart.ai/node-pool-name': p.pool } : {}),
    ...(p.gpu === undefined ? {} : { 'nvidia.com/gpu.present': 'true', 'nvidia.com/gpu.product': p.gpu.product, 'nvidia.com/gpu.count': p.gpu.count }),
  };
}

/** One node as `kubectl get nodes -o json` prints it, with 25 images (real nodes list more). */
function nodeObject(i: number, images = true): unknown {
  const p = POOLS[i % POOLS.length]!;
  const resources = { cpu: p.cpu, memory: p.memory, pods: '58', 'ephemeral-storage': '104845292Ki', ...(p.gpu === undefined ? {} : { 'nvidia.com/gpu': p.gpu.count }) };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: nodeName(i),
      uid: `0f0e${String(i).padStart(8, '0')}-1234-4abc-9def-0123456789ab`,
      creationTimestamp: '2026-11-26T10:00:00Z',
      labels: labelsOf(i),
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: {
      providerID: `aws:///us-west-2a/i-0${String(i).padStart(16, '0')}`,
      ...(p.gpu === undefined ? {} : { taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }] }),
    },
    status: {
      capacity: resources,
      allocatable: resources,
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory' },
        { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure' },
        { type: 'Ready', status: i % 97 === 5 ? 'False' : 'True', reason: 'KubeletReady' },
      ],
      addresses: [
        { type: 'InternalIP', address: `10.0.${Math.floor(i / 250)}.${i % 250}` },
        { type: 'Hostname', address: nodeName(i) },
      ],
      nodeInfo: { kubeletVersion: 'v1.30.4-eks-a737599', containerRuntimeVersion: 'containerd://1.7.22', osImage: 'Amazon Linux 2', architecture: 'amd64' },
      images: images === false ? undefined : Array.from({ length: 25 }, (_, k) => ({
        names: [`602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/image-${k}@sha256:${'0123456789abcdef'.repeat(4)}`, `602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/image-${k}:v1.${k}.0`],
        sizeBytes: 100_000_000 + k,
      })),
    },
  };
}

/** A generated cluster of `n` nodes as `format`. */
export function generatedDump(n: number, format: Format): string {
  if (format !== 'show-labels') {
    const items = Array.from({ length: n }, (_, i) => nodeObject(i, format === 'json'));
    return JSON.stringify({ apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } }, null, 4);
  }
  const rows = Array.from({ length: n }, (_, i) => {
    const labels = Object.entries(labelsOf(i)).map(([k, v]) => `${k}=${v}`).join(',');
    return `${nodeName(i).padEnd(45)}${i % 97 === 5 ? 'NotReady' : 'Ready   '} <none>   12d   v1.30.4-eks-a737599   ${labels}`;
  });
  return [`${'NAME'.padEnd(45)}STATUS   ROLES    AGE   VERSION               LABELS`, ...rows].join('\n');
}

/** The peak resident set so far (VmHWM), in MB; null where /proc does not say. */
function peakRssMb(): number | null {
  try {
    const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
    return line === undefined ? null : Number(/(\d+)/.exec(line)?.[1]) / 1024;
  } catch {
    return null;
  }
}

/** Resets the peak resident set to the current one (Linux: clear_refs 5); false where not allowed. */
function resetPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

/** In the child: one size and format. */
function measure(n: number, format: Format): NodesRow {
  const gc = (globalThis as { gc?: () => void }).gc;
  const dump = generatedDump(n, format);
  gc?.();
  const reset = resetPeak();
  const baseline = peakRssMb();
  const wall = performance.now();
  const cpu = process.cpuUsage();
  const proposal = proposeNodeGroups([dump]);
  const cpuMsCold = cpuMs(cpu);
  const wallMsCold = performance.now() - wall;
  const peak = peakRssMb();
  const heapUsedAfterMb = process.memoryUsage().heapUsed / (1024 * 1024);
  if (!proposal.ok) throw new Error(`the generated ${format} dump of ${n} nodes was refused: ${proposal.message}`);
  const warm: number[] = [];
  for (let r = 0; r < WARM_RUNS; r += 1) {
    const c = process.cpuUsage();
    proposeNodeGroups([dump]);
    warm.push(cpuMs(c));
  }
  warm.sort((a, b) => a - b);
  return {
    nodes: n,
    format,
    inputMb: round(Buffer.byteLength(dump) / (1024 * 1024), 2),
    groups: proposal.groups.length,
    findings: proposal.findings.length,
    cpuMsCold: round(cpuMsCold, 1),
    cpuMsWarmMedian: round(warm[Math.floor(warm.length / 2)] ?? cpuMsCold, 1),
    wallMsCold: round(wallMsCold, 1),
    peakRssAboveBaselineMb: reset && baseline !== null && peak !== null ? round(peak - baseline, 1) : null,
    heapUsedAfterMb: round(heapUsedAfterMb, 1),
  };
}

export function nodesTable(rows: readonly NodesRow[]): string[] {
  const lines = [
    '',
    `| nodes | input | size | groups | findings | CPU ms, cold | CPU ms, warm (median of ${WARM_RUNS}) | wall ms, cold | peak RSS above baseline | heap used after |`,
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    lines.push(`| ${r.nodes} | ${r.format} | ${r.inputMb} MB | ${r.groups} | ${r.findings} | ${r.cpuMsCold} | ${r.cpuMsWarmMedian} | ${r.wallMsCold} | ${r.peakRssAboveBaselineMb ?? '?'} MB | ${r.heapUsedAfterMb} MB |`);
  }
  return lines;
}

/** The whole phase: a child per size and format, the machine, the table, the results file, the targets. */
export function runNodesBench(): void {
  const machine: Machine & { loadAverageAtEnd?: number[] } = describeMachine();
  process.stdout.write(`${machineLine(machine)}\n`);
  const rows: NodesRow[] = [];
  for (const n of SIZES) {
    for (const format of FORMATS) {
      // The bot's own flags (package.json's start script), so that the heap behaves as in production.
      const child = spawnSync(process.execPath, ['--expose-gc', '--max-semi-space-size=8', '--max-old-space-size=128', fileURLToPath(import.meta.url), 'child', String(n), format], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`the nodes bench child (${n} ${format}) failed: ${child.stderr}`);
      rows.push(JSON.parse(child.stdout) as NodesRow);
    }
  }
  machine.loadAverageAtEnd = loadAverage();
  const failures = rows
    .filter((r) => r.nodes === 1000)
    .flatMap((r) => [
      ...(r.cpuMsCold > CPU_TARGET_MS ? [`${r.format}, 1000 nodes: ${r.cpuMsCold} ms of CPU (cold) > ${CPU_TARGET_MS}`] : []),
      ...(r.peakRssAboveBaselineMb !== null && r.peakRssAboveBaselineMb > MEMORY_TARGET_MB ? [`${r.format}, 1000 nodes: ${r.peakRssAboveBaselineMb} MB above the baseline > ${MEMORY_TARGET_MB}`] : []),
    ]);
  process.stdout.write(
    `${nodesTable(rows).join('\n')}\nload average at the end: ${machine.loadAverageAtEnd.join(' / ')}; targets for 1000 nodes: < ${CPU_TARGET_MS} ms of CPU, < ${MEMORY_TARGET_MB} MB above the baseline\n`,
  );
  const out = join(ROOT, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  const file = resultFileName(machine).replace(/\.json$/, '-nodes.json');
  writeFileSync(join(out, file), `${JSON.stringify({ when: machine.date, machine, warmRuns: WARM_RUNS, targets: { cpuMs: CPU_TARGET_MS, memoryMb: MEMORY_TARGET_MB }, rows, failures }, null, 2)}\n`);
  process.stdout.write(`\nwritten: bench/results/${file}\n`);
  if (failures.length > 0) {
    process.stderr.write(`\nbench FAILED:\n${failures.map((f) => `  ${f}`).join('\n')}\n`);
    process.exitCode = 1;
  }
}

if (process.argv[2] === 'child') {
  process.stdout.write(JSON.stringify(measure(Number(process.argv[3]), process.argv[4] as Format)));
}
