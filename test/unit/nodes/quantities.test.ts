// Kubernetes quantities per the API reference's grammar (binary and decimal suffixes, exponents, `m`
// milli against `M` mega, fractional binary values), and what a node group takes of them: whole vCPUs,
// memory rounded to the machine's nominal size.
import fc from 'fast-check';
import { memoryFromMiB, nominalMemory, parseCount, parseQuantity, vcpuFrom } from '../../../src/domain/nodes/quantities.js';

const BINARY = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 } as const;
const DECIMAL = { m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 } as const;

function close(a: number | undefined, b: number): boolean {
  return a !== undefined && Math.abs(a - b) <= Math.abs(b) * 1e-12 + 1e-12;
}

describe('parseQuantity', () => {
  test.each([
    ['16', 16],
    ['15783m', 15.783],
    ['32859464Ki', 32859464 * 1024],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['.5Gi', 0.5 * 2 ** 30],
    ['5.', 5],
    ['1e3', 1000],
    ['1E3', 1000],
    ['1E', 1e18],
    ['2e-3', 0.002],
    ['+4', 4],
    ['-4', -4],
    ['100M', 1e8],
    ['100m', 0.1],
    ['95551679124', 95551679124],
    ['1k', 1000],
  ])('%s is %d', (text, value) => {
    expect(close(parseQuantity(text), value)).toBe(true);
  });

  test('plain numbers (YAML `cpu: 8`) are taken as they are', () => {
    expect(parseQuantity(8)).toBe(8);
    expect(parseQuantity(Number.NaN)).toBeUndefined();
    expect(parseQuantity(Number.POSITIVE_INFINITY)).toBeUndefined();
  });

  test.each(['', ' ', 'Gi', '1 Gi', '1KI', '1kb', '1iB', '1.5.2', '--1', '1e', '1e+', 'ten', '0x10', '1Gi ', null, undefined, {}, []])(
    '%p is not a quantity',
    (text) => {
      // A trailing space is trimmed; everything else here breaks the grammar.
      if (text === '1Gi ') expect(parseQuantity(text)).toBe(2 ** 30);
      else expect(parseQuantity(text)).toBeUndefined();
    },
  );

  test('values that overflow and strings longer than any quantity are refused', () => {
    expect(parseQuantity('1e400')).toBeUndefined();
    expect(parseQuantity(`${'9'.repeat(70)}`)).toBeUndefined();
  });

  test('property: an integer with a binary suffix is that many powers of two', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.constantFrom(...(Object.keys(BINARY) as Array<keyof typeof BINARY>)), (n, suffix) => {
        expect(parseQuantity(`${n}${suffix}`)).toBe(n * BINARY[suffix]);
      }),
    );
  });

  test('property: a decimal with a decimal suffix is that many powers of ten (m is milli, M mega)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 ** 9 }),
        fc.integer({ min: 0, max: 999 }),
        fc.constantFrom(...(Object.keys(DECIMAL) as Array<keyof typeof DECIMAL>)),
        (whole, fraction, suffix) => {
          const text = `${whole}.${String(fraction).padStart(3, '0')}`;
          expect(close(parseQuantity(`${text}${suffix}`), Number(text) * DECIMAL[suffix])).toBe(true);
        },
      ),
    );
  });

  test('property: an exponent multiplies by ten to its power', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 6 }), fc.integer({ min: -9, max: 15 }), fc.constantFrom('e', 'E'), (n, exponent, e) => {
        expect(close(parseQuantity(`${n}${e}${exponent}`), n * 10 ** exponent)).toBe(true);
      }),
    );
  });

  test('property: any string reads as a finite number or as nothing, and never throws', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        const value = parseQuantity(text);
        expect(value === undefined || Number.isFinite(value)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  test('property: the sign is the value’s sign', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 ** 6 }), fc.constantFrom('', 'Ki', 'm', 'G'), (n, suffix) => {
        expect(parseQuantity(`-${n}${suffix}`)).toBe(-(parseQuantity(`${n}${suffix}`) ?? Number.NaN));
      }),
    );
  });
});

describe('counts and vCPUs', () => {
  test('parseCount takes whole, non-negative counts only', () => {
    expect(parseCount('8')).toBe(8);
    expect(parseCount(4)).toBe(4);
    expect(parseCount('1k')).toBe(1000);
    expect(parseCount('1.5')).toBeUndefined();
    expect(parseCount('-1')).toBeUndefined();
    expect(parseCount('500m')).toBeUndefined();
  });

  test('vCPUs: capacity as it is, allocatable rounded up, milli-CPUs read', () => {
    expect(vcpuFrom('16', '15890m')).toBe(16);
    expect(vcpuFrom(undefined, '3920m')).toBe(4);
    expect(vcpuFrom(undefined, '95690m')).toBe(96);
    expect(vcpuFrom('15783m', undefined)).toBe(16);
    expect(vcpuFrom('500m', undefined)).toBe(1);
    expect(vcpuFrom(undefined, undefined)).toBeUndefined();
    expect(vcpuFrom('0', '0')).toBeUndefined();
  });
});

describe('nominal memory', () => {
  const read = (ki: number) => nominalMemory(ki * 1024);

  test.each([
    // [capacity in Ki, nominal GB, machine]
    [32859464, 32, '"32 GB" machine (the reference example, 31.3 GiB)'],
    [32386476, 32, 'AWS g5.2xlarge'],
    [15896532, 16, 'AWS m5.xlarge'],
    [7934460, 8, 'AWS m5.large'],
    [3943372, 4, 'AWS t3.medium (6 % short)'],
    [16382760, 16, 'GKE e2-standard-4'],
    [15399364, 15, 'GKE n1-standard-4 (15 GB nominal)'],
    [30824744, 30, 'GKE n1-standard-8 (30 GB nominal)'],
    [28801224, 28, 'AKS Standard_NC4as_T4_v3'],
    [2113464700, 2048, 'a 2 TiB machine'],
    [33554432, 32, 'exactly 32 GiB'],
  ])('%d Ki reads as %d GB (%s)', (ki, gb) => {
    expect(read(ki)?.gb).toBe(gb);
  });

  test('says what it read', () => {
    expect(read(32859464)?.readGiB).toBeCloseTo(31.34, 2);
  });

  test('property: the nominal size is at or above the reading, and at most 8 % above it', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.1, max: 4096, noNaN: true }), (gib) => {
        const found = nominalMemory(gib * 2 ** 30);
        expect(found).toBeDefined();
        expect(found!.gb).toBeGreaterThanOrEqual(Math.floor(gib));
        expect(found!.gb).toBeLessThanOrEqual(Math.max(Math.ceil(gib), Math.floor(gib * 1.08)));
      }),
    );
  });

  test('property: a power-of-two machine reading 0–6 % short is read as its size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 11 }), fc.double({ min: 0, max: 0.06, noNaN: true }), (k, shortfall) => {
        const nominal = 2 ** k;
        expect(nominalMemory(nominal * 2 ** 30 * (1 - shortfall))?.gb).toBe(nominal);
      }),
    );
  });

  test('nothing and absurd sizes', () => {
    expect(nominalMemory(0)).toBeUndefined();
    expect(nominalMemory(-1)).toBeUndefined();
    expect(nominalMemory(Number.NaN)).toBeUndefined();
    expect(nominalMemory(2 ** 62)?.gb).toBe(2 ** 32); // no search past a million GB, and no wrong bit test
  });

  test('Karpenter’s instance-memory label is the nominal size in MiB', () => {
    expect(memoryFromMiB(16384)).toEqual({ gb: 16, readGiB: 16 });
    expect(memoryFromMiB(512)?.gb).toBe(1);
    expect(memoryFromMiB(0)).toBeUndefined();
  });
});
