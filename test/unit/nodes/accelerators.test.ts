// GPU models as each source spells them, mapped to Simplismart's accelerator names by whole tokens:
// `l4` never catches `L40S`, `h200` never `GH200`; unknown models keep an editable slug.
import fc from 'fast-check';
import { ACCELERATOR_PATTERN, LIMITS } from '../../../src/domain/clusterImport.js';
import { acceleratorFromLabels, acceleratorFromMachineType, acceleratorFromName } from '../../../src/domain/nodes/accelerators.js';

const type = (name: string, vendor: 'nvidia' | 'amd' | undefined = 'nvidia') => acceleratorFromName(name, 'test', vendor)?.type;

describe('model names → accelerator types', () => {
  test.each([
    // GPU Feature Discovery's nvidia.com/gpu.product
    ['NVIDIA-A10G', 'nvidia-a10g'],
    ['NVIDIA-H100-80GB-HBM3', 'nvidia-h100'],
    ['NVIDIA-H100-PCIe', 'nvidia-h100'],
    ['NVIDIA-A100-SXM4-80GB', 'nvidia-a100'],
    ['NVIDIA-A100-PCIE-40GB', 'nvidia-a100'],
    ['NVIDIA-L4', 'nvidia-l4'],
    ['NVIDIA-L40S', 'nvidia-l40s'],
    ['NVIDIA-L40', 'nvidia-l40'],
    ['Tesla-T4', 'nvidia-tesla-t4'],
    ['Tesla-V100-SXM2-16GB', 'nvidia-tesla-v100'],
    ['NVIDIA-GH200-480GB', 'nvidia-gh200'],
    ['NVIDIA-H200', 'nvidia-h200'],
    ['NVIDIA-A10', 'nvidia-a10'],
    ['NVIDIA-RTX-A6000', 'nvidia-rtx-a6000'],
    ['Tesla-T4-SHARED', 'nvidia-tesla-t4'],
    ['NVIDIA-A100-SXM4-40GB-MIG-1g.5gb', 'nvidia-a100'],
    // GKE's cloud.google.com/gke-accelerator
    ['nvidia-tesla-t4', 'nvidia-tesla-t4'],
    ['nvidia-l4', 'nvidia-l4'],
    ['nvidia-tesla-a100', 'nvidia-a100'],
    ['nvidia-a100-80gb', 'nvidia-a100'],
    ['nvidia-h100-80gb', 'nvidia-h100'],
    ['nvidia-h100-mega-80gb', 'nvidia-h100'],
    ['nvidia-tesla-p4', 'nvidia-tesla-p4'],
    // Karpenter's karpenter.k8s.aws/instance-gpu-name
    ['a10g', 'nvidia-a10g'],
    ['t4', 'nvidia-tesla-t4'],
    ['l40s', 'nvidia-l40s'],
    ['t4g', 'nvidia-t4g'],
  ])('%s → %s', (name, expected) => {
    expect(type(name)).toBe(expected);
  });

  test('exact tokens: l4 is not l40s, h200 is not gh200, p4 is not sxm4, a2 is not a2000', () => {
    expect(type('NVIDIA-L40S')).not.toBe('nvidia-l4');
    expect(type('NVIDIA-GH200-480GB')).not.toBe('nvidia-h200');
    expect(type('NVIDIA-A100-SXM4-80GB')).not.toBe('nvidia-tesla-p4');
    expect(type('NVIDIA-RTX-A2000')).toBe('nvidia-rtx-a2000');
  });

  test('the documented names are marked so; others are not', () => {
    expect(acceleratorFromName('NVIDIA-A10G', 'x', 'nvidia')?.documented).toBe(true);
    expect(acceleratorFromName('NVIDIA-L40S', 'x', 'nvidia')?.documented).toBe(false);
  });

  test('unknown models keep a slug the API takes, vendor first, sharing suffixes dropped', () => {
    expect(type('NVIDIA-GeForce-RTX-4090')).toBe('nvidia-geforce-rtx-4090');
    expect(type('Quadro-RTX-8000')).toBe('nvidia-quadro-rtx-8000');
    expect(type('NVIDIA-RTX-PRO-6000-Blackwell-Server-Edition-SHARED')).toBe('nvidia-rtx-pro-6000-blackwell-server-edition');
    expect(type('AMD_Instinct_MI300X_OAM', 'amd')).toBe('amd-mi300x');
    expect(type('AMD_Radeon_Pro_V520', 'amd')).toBe('amd-radeon-pro-v520');
  });

  test('MIG and time-slicing are said', () => {
    expect(acceleratorFromName('NVIDIA-A100-SXM4-40GB-MIG-1g.5gb', 'x', 'nvidia')).toMatchObject({ mig: true, shared: false });
    expect(acceleratorFromName('Tesla-T4-SHARED', 'x', 'nvidia')).toMatchObject({ mig: false, shared: true });
  });

  test('empty, over-long and symbol-only names give nothing', () => {
    expect(acceleratorFromName('', 'x', 'nvidia')).toBeUndefined();
    expect(acceleratorFromName('x'.repeat(201), 'x', 'nvidia')).toBeUndefined();
    expect(acceleratorFromName('---', 'x', undefined)).toBeUndefined();
  });

  test('property: whatever the name, a type is a slug the API takes, or nothing', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), fc.constantFrom<'nvidia' | 'amd' | undefined>('nvidia', 'amd', undefined), (name, vendor) => {
        const found = acceleratorFromName(name, 'x', vendor);
        if (found === undefined) return;
        expect(found.type).toMatch(ACCELERATOR_PATTERN);
        expect(found.type.length).toBeLessThanOrEqual(LIMITS.acceleratorTypeLength);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('labels', () => {
  const labels = (entries: Record<string, string>) => new Map(Object.entries(entries));

  test('GFD first, then GKE, Karpenter, cluster-autoscaler, AMD', () => {
    expect(acceleratorFromLabels(labels({ 'nvidia.com/gpu.product': 'NVIDIA-L4', 'cloud.google.com/gke-accelerator': 'nvidia-tesla-t4' }))?.type).toBe('nvidia-l4');
    expect(acceleratorFromLabels(labels({ 'cloud.google.com/gke-accelerator': 'nvidia-tesla-t4' }))).toMatchObject({ type: 'nvidia-tesla-t4', source: 'cloud.google.com/gke-accelerator' });
    expect(acceleratorFromLabels(labels({ 'karpenter.k8s.aws/instance-gpu-name': 'a10g' }))?.type).toBe('nvidia-a10g');
    expect(acceleratorFromLabels(labels({ 'k8s.amazonaws.com/accelerator': 'nvidia-tesla-v100' }))?.type).toBe('nvidia-tesla-v100');
    expect(acceleratorFromLabels(labels({ 'amd.com/gpu.product-name': 'AMD_Instinct_MI300X_OAM' }))?.type).toBe('amd-mi300x');
  });

  test('AKS’ accelerator label names the vendor only: no model from it', () => {
    expect(acceleratorFromLabels(labels({ 'kubernetes.azure.com/accelerator': 'nvidia' }))).toBeUndefined();
  });
});

describe('machine types', () => {
  test.each([
    ['g5.2xlarge', 'nvidia-a10g'],
    ['g4dn.xlarge', 'nvidia-tesla-t4'],
    ['g6.xlarge', 'nvidia-l4'],
    ['g6e.12xlarge', 'nvidia-l40s'],
    ['p4d.24xlarge', 'nvidia-a100'],
    ['p5.48xlarge', 'nvidia-h100'],
    ['p5en.48xlarge', 'nvidia-h200'],
    ['g2-standard-8', 'nvidia-l4'],
    ['a2-highgpu-1g', 'nvidia-a100'],
    ['a3-highgpu-8g', 'nvidia-h100'],
    ['a3-ultragpu-8g', 'nvidia-h200'],
    ['Standard_NC24ads_A100_v4', 'nvidia-a100'],
    ['Standard_NC4as_T4_v3', 'nvidia-tesla-t4'],
    ['Standard_NV36ads_A10_v5', 'nvidia-a10'],
    ['Standard_ND96isr_H100_v5', 'nvidia-h100'],
    ['Standard_NC6s_v3', 'nvidia-tesla-v100'],
    ['Standard_ND96asr_v4', 'nvidia-a100'],
    ['VM.GPU.A10.1', 'nvidia-a10'],
    ['BM.GPU.H100.8', 'nvidia-h100'],
    ['BM.GPU.A100-v2.8', 'nvidia-a100'],
    ['BM.GPU4.8', 'nvidia-a100'],
    ['VM.GPU3.1', 'nvidia-tesla-v100'],
  ])('%s implies %s', (machine, expected) => {
    expect(acceleratorFromMachineType(machine)).toMatchObject({ type: expected, inferred: true, source: 'machine type' });
  });

  test.each(['m5.xlarge', 'c5.2xlarge', 'e2-standard-4', 'n1-standard-8', 'Standard_D4s_v3', 'Standard_A2_v2', 'VM.Standard.E4.Flex', 'VM.Standard.A1.Flex'])(
    '%s implies no GPU model (CPU machines, and families that do not fix one)',
    (machine) => {
      expect(acceleratorFromMachineType(machine)).toBeUndefined();
    },
  );
});
