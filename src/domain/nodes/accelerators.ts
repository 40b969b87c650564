// GPU models, as nodes and node-pool listings name them, mapped to the accelerator types Simplismart
// takes. Every source spells a model differently (GPU Feature Discovery's `NVIDIA-A100-SXM4-80GB`, GKE's
// `nvidia-tesla-a100`, Karpenter's `a100`), so each name is cut into tokens and a model is recognised
// only as a whole token: `l4` never catches `L40S`, `h200` never catches `GH200`. A model Simplismart's
// docs do not name keeps a slug built from what was read, for the person to check or edit.
import { ACCELERATOR_PATTERN, DOCUMENTED_ACCELERATORS, LIMITS } from '../clusterImport.js';
import { LABELS } from './labels.js';

export interface Accelerator {
  /** What the node group's accelerator_type would be: a documented name, or a slug. */
  type: string;
  /** Whether `type` is one of the names Simplismart's docs give. */
  documented: boolean;
  /** The model as it was read (a label's value, a listing's field, or the machine type). */
  model: string;
  /** Where it was read: a label key, a listing field, or `machine type`. */
  source: string;
  /** Known only from the machine type's family (no GPU label said it). */
  inferred: boolean;
  /** GFD names a MIG-partitioned GPU `…-MIG-<profile>`: its counts are slices, not GPUs. */
  mig: boolean;
  /** GFD appends `-SHARED` under time-slicing. */
  shared: boolean;
}

/** Model token → accelerator type. The first five are Simplismart's documented names; the rest follow GKE's style. */
const MODELS: Readonly<Record<string, string>> = {
  a10g: 'nvidia-a10g',
  a100: 'nvidia-a100',
  h100: 'nvidia-h100',
  t4: 'nvidia-tesla-t4',
  l4: 'nvidia-l4',
  l40s: 'nvidia-l40s',
  l40: 'nvidia-l40',
  a10: 'nvidia-a10',
  h200: 'nvidia-h200',
  h800: 'nvidia-h800',
  a800: 'nvidia-a800',
  b200: 'nvidia-b200',
  b100: 'nvidia-b100',
  gb200: 'nvidia-gb200',
  gh200: 'nvidia-gh200',
  v100: 'nvidia-tesla-v100',
  p100: 'nvidia-tesla-p100',
  p4: 'nvidia-tesla-p4',
  k80: 'nvidia-tesla-k80',
  m60: 'nvidia-tesla-m60',
  t4g: 'nvidia-t4g',
  a30: 'nvidia-a30',
  a40: 'nvidia-a40',
  a16: 'nvidia-a16',
  a2: 'nvidia-a2',
  a6000: 'nvidia-rtx-a6000',
  mi300x: 'amd-mi300x',
  mi325x: 'amd-mi325x',
  mi250x: 'amd-mi250x',
  mi250: 'amd-mi250',
  mi210: 'amd-mi210',
  mi100: 'amd-mi100',
};

const DOCUMENTED: ReadonlySet<string> = new Set(DOCUMENTED_ACCELERATORS);

/** Names longer than this are not GPU models; they are refused before any work. */
const MAX_NAME = 200;

function tokens(name: string): string[] {
  return name.toLowerCase().split(/[-_\s.]+/).filter((t) => t !== '');
}

/**
 * An accelerator from a model name as some source spells it. `vendor` prefixes a slug built for an
 * unknown model (`NVIDIA-GeForce-RTX-4090` → `nvidia-geforce-rtx-4090`).
 */
export function acceleratorFromName(raw: string, source: string, vendor: 'nvidia' | 'amd' | undefined, inferred = false): Accelerator | undefined {
  const name = raw.trim();
  if (name === '' || name.length > MAX_NAME) return undefined;
  const parts = tokens(name);
  const mig = parts.includes('mig');
  const shared = parts.includes('shared');
  for (const token of parts) {
    const type = MODELS[token];
    if (type !== undefined) return { type, documented: DOCUMENTED.has(type), model: name, source, inferred, mig, shared };
  }
  const type = slugFor(parts, vendor);
  if (type === undefined) return undefined;
  return { type, documented: false, model: name, source, inferred, mig, shared };
}

/** A lower-case slug the API accepts, from an unknown model's tokens (sharing suffixes dropped). */
function slugFor(parts: readonly string[], vendor: 'nvidia' | 'amd' | undefined): string | undefined {
  const cut = parts.findIndex((t) => t === 'mig' || t === 'shared');
  const kept = (cut < 0 ? parts : parts.slice(0, cut)).map((t) => t.replace(/[^a-z0-9]/g, '')).filter((t) => t !== '');
  if (kept.length === 0) return undefined;
  if (vendor !== undefined && kept[0] !== vendor) kept.unshift(vendor);
  let slug = '';
  for (const part of kept) {
    const next = slug === '' ? part : `${slug}-${part}`;
    if (next.length > LIMITS.acceleratorTypeLength) break;
    slug = next;
  }
  return slug !== '' && ACCELERATOR_PATTERN.test(slug) ? slug : undefined;
}

/**
 * The GPU model a node's labels name, most specific source first: GPU Feature Discovery's product, GKE's
 * accelerator, Karpenter's GPU name, cluster-autoscaler's AWS accelerator label, AMD's device plugin.
 * AKS' `kubernetes.azure.com/accelerator` names only the vendor, so it is not read here.
 */
export function acceleratorFromLabels(labels: ReadonlyMap<string, string>): Accelerator | undefined {
  const sources: Array<[string, 'nvidia' | 'amd' | undefined]> = [
    [LABELS.gfdProduct, 'nvidia'],
    [LABELS.gkeAccelerator, undefined],
    [LABELS.karpenterGpuName, labels.get(LABELS.karpenterGpuManufacturer) === 'amd' ? 'amd' : 'nvidia'],
    [LABELS.awsAccelerator, undefined],
    [LABELS.amdProduct, 'amd'],
  ];
  for (const [key, vendor] of sources) {
    const value = labels.get(key);
    if (value === undefined || value === '') continue;
    const found = acceleratorFromName(value, key, vendor);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** AWS instance families with GPUs → model token (only those whose model the family alone fixes). */
const AWS_FAMILIES: Readonly<Record<string, string>> = {
  g4dn: 't4',
  g5: 'a10g',
  g5g: 't4g',
  g6: 'l4',
  g6f: 'l4',
  gr6: 'l4',
  gr6f: 'l4',
  g6e: 'l40s',
  p2: 'k80',
  g3: 'm60',
  g3s: 'm60',
  p3: 'v100',
  p3dn: 'v100',
  p4d: 'a100',
  p4de: 'a100',
  p5: 'h100',
  p5e: 'h200',
  p5en: 'h200',
  'p6-b200': 'b200',
  'p6e-gb200': 'gb200',
};

/** GCP accelerator-optimised machine series → model token. */
const GCP_SERIES: ReadonlyArray<[RegExp, string]> = [
  [/^a2-(?:highgpu|megagpu|ultragpu)-/, 'a100'],
  [/^a3-ultragpu-/, 'h200'],
  [/^a3-(?:highgpu|megagpu|edgegpu)-/, 'h100'],
  [/^a4-highgpu-/, 'b200'],
  [/^a4x-highgpu-/, 'gb200'],
  [/^g2-standard-/, 'l4'],
];

/** Azure N-series sizes whose name does not carry the model. */
const AZURE_SERIES: ReadonlyArray<[RegExp, string]> = [
  [/^standard_nc\d+r?s_v3$/, 'v100'],
  [/^standard_nd\d+r?s_v2$/, 'v100'],
  [/^standard_nd\d+asr_v4$/, 'a100'],
  [/^standard_nv\d+s_v3$/, 'm60'],
];

/** OCI GPU shapes whose name does not carry the model (`BM.GPU4.8` is eight A100s). */
const OCI_SERIES: ReadonlyArray<[RegExp, string]> = [
  [/^(?:vm|bm)\.gpu2\./, 'p100'],
  [/^(?:vm|bm)\.gpu3\./, 'v100'],
  [/^bm\.gpu4\./, 'a100'],
];

/**
 * The GPU model a machine type implies, when its family fixes one (AWS `g5.2xlarge` → A10G, GCP
 * `g2-standard-8` → L4, Azure `Standard_NC24ads_A100_v4` → A100, OCI `VM.GPU.A10.1` → A10). Azure's N
 * (GPU) series and OCI's GPU shapes are read by their tokens, and only those: `Standard_A2_v2` is a CPU
 * machine, not an NVIDIA A2.
 */
export function acceleratorFromMachineType(machineType: string): Accelerator | undefined {
  const lower = machineType.toLowerCase();
  if (lower.length > MAX_NAME) return undefined;
  let token: string | undefined;
  if (lower.startsWith('standard_n')) {
    token = AZURE_SERIES.find(([re]) => re.test(lower))?.[1] ?? tokens(lower).slice(2).find((t) => MODELS[t] !== undefined);
  } else if (/^(?:vm|bm)\.gpu/.test(lower)) {
    token = OCI_SERIES.find(([re]) => re.test(lower))?.[1] ?? tokens(lower).slice(2).find((t) => MODELS[t] !== undefined);
  } else if (lower.includes('.')) {
    token = AWS_FAMILIES[lower.slice(0, lower.indexOf('.'))];
  } else {
    token = GCP_SERIES.find(([re]) => re.test(lower))?.[1];
  }
  const type = token === undefined ? undefined : MODELS[token];
  if (type === undefined) return undefined;
  return { type, documented: DOCUMENTED.has(type), model: machineType, source: 'machine type', inferred: true, mig: false, shared: false };
}
