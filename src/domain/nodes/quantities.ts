// Kubernetes resource quantities (a node's status.capacity and .allocatable, a Karpenter NodePool's
// limits), read per the grammar of the API reference's "Quantity", and what a node group's form wants
// of them: whole vCPUs, and memory as the machine's nominal size in GB.
//
//   <quantity>        ::= <signedNumber><suffix>
//   <number>          ::= <digits> | <digits>.<digits> | <digits>. | .<digits>
//   <suffix>          ::= <binarySI> | <decimalExponent> | <decimalSI>
//   <binarySI>        ::= Ki | Mi | Gi | Ti | Pi | Ei
//   <decimalSI>       ::= m | "" | k | M | G | T | P | E
//   <decimalExponent> ::= "e" <signedNumber> | "E" <signedNumber>
//
// `m` is milli and `M` mega; `E` alone is exa while `E3` is an exponent. Written here rather than taken
// from @kubernetes/client-node, whose parser is not exported from the package root and throws on
// fractional binary values such as `1.5Gi`. A float is precise enough for what is read (CPU counts,
// memory in bytes up to exabytes); values that overflow to infinity are refused.

const SUFFIX: Readonly<Record<string, number>> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

// The exponent alternative comes first so that `1E3` is 1000, not a syntax error after exa.
const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)([eE][+-]?\d+|Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?$/;

/** Longer than any real quantity; the regex only ever runs on short strings. */
const MAX_QUANTITY_LENGTH = 64;

/**
 * A quantity's value in base units (cores, bytes, devices), or undefined when the text is not a
 * quantity. YAML inputs may give plain numbers (`cpu: 8`), taken as they are.
 */
export function parseQuantity(input: unknown): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) ? input : undefined;
  if (typeof input !== 'string') return undefined;
  const text = input.trim();
  if (text === '' || text.length > MAX_QUANTITY_LENGTH) return undefined;
  const match = QUANTITY.exec(text);
  if (match === null) return undefined;
  const [, sign = '', digits = '', suffix = ''] = match;
  const number = Number(digits);
  let value: number;
  if (/^[eE][+-]?\d/.test(suffix)) {
    value = number * 10 ** Number(suffix.slice(1));
  } else {
    const multiplier = SUFFIX[suffix];
    if (multiplier === undefined) return undefined;
    value = number * multiplier;
  }
  if (!Number.isFinite(value)) return undefined;
  return sign === '-' ? -value : value;
}

/** A non-negative whole count (GPUs, node counts) from a quantity or a number; undefined otherwise. */
export function parseCount(input: unknown): number | undefined {
  const value = parseQuantity(input);
  if (value === undefined || value < 0 || !Number.isInteger(value) || value > Number.MAX_SAFE_INTEGER) return undefined;
  return value;
}

/**
 * Whole vCPUs from a node's CPU capacity (exact, rounded: capacity is the machine's count), or from its
 * allocatable CPU when capacity is missing (rounded up: the system reserves part of a core or two).
 */
export function vcpuFrom(capacity: unknown, allocatable: unknown): number | undefined {
  const fromCapacity = parseQuantity(capacity);
  if (fromCapacity !== undefined && fromCapacity > 0) return Math.max(1, Math.round(fromCapacity));
  const fromAllocatable = parseQuantity(allocatable);
  if (fromAllocatable !== undefined && fromAllocatable > 0) return Math.max(1, Math.ceil(fromAllocatable - 1e-9));
  return undefined;
}

export interface NominalMemory {
  /** The size proposed, in whole GB (clouds' "GB" of machine sizes are GiB). */
  gb: number;
  /** What the node reported, in GiB, for the note that says it was rounded. */
  readGiB: number;
}

/** Memory a node reports below its machine's nominal size: the kernel and firmware keep a few percent. */
const MEMORY_SHORTFALL = 0.08;

/**
 * The nominal memory size of a machine from the memory its node reports. Capacity reads below the
 * nominal size (32859464Ki ≈ 31.3 GiB on a 32 GiB machine; about 2 % on large machines, up to 6 % on
 * small ones), so the size is looked for between the reading and 8 % above it, and the "roundest" size
 * there wins: a power of two, then three times one (12, 24, 48, 96, 192, 384, 768), then multiples of 8,
 * then of 4, then any whole number — the smallest of a kind first. That reads 30.9 GiB as 32 and
 * GKE's n1-standard-4 (14.7 GiB read, 15 nominal) as 15. It is a guess, and the proposal says so.
 */
export function nominalMemory(bytes: number): NominalMemory | undefined {
  if (!Number.isFinite(bytes) || bytes <= 0) return undefined;
  const readGiB = bytes / 2 ** 30;
  const low = Math.max(1, Math.ceil(readGiB - 1e-6));
  // Far beyond any machine (and the API's limit): not worth a search, and the bit tests below need < 2³¹.
  if (low > 1_000_000) return { gb: low, readGiB };
  const high = Math.max(low, Math.floor(readGiB * (1 + MEMORY_SHORTFALL)));
  let best = low;
  let bestScore = -1;
  for (let candidate = low; candidate <= high; candidate++) {
    const score = roundness(candidate);
    if (score > bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return { gb: best, readGiB };
}

function roundness(n: number): number {
  if ((n & (n - 1)) === 0) return 4;
  if (n % 3 === 0 && ((n / 3) & (n / 3 - 1)) === 0) return 3;
  if (n % 8 === 0) return 2;
  if (n % 4 === 0) return 1;
  return 0;
}

/** Karpenter's `karpenter.k8s.aws/instance-memory` label: the instance type's nominal memory in MiB. */
export function memoryFromMiB(mib: number): NominalMemory | undefined {
  if (!Number.isFinite(mib) || mib <= 0) return undefined;
  return { gb: Math.max(1, Math.round(mib / 1024)), readGiB: mib / 1024 };
}
