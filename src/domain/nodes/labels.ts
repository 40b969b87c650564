// Kubernetes' own syntax for what a node dump carries (label keys and values, node names, taints), and
// the well-known label keys the proposal reads. Anything a proposal later puts in a `kubectl` command or a
// node group name passes these checks first: a value that breaks them cannot have come from a real
// cluster, so it is dropped and said so, never quoted into a command.

/** The label Simplismart selects a node group's nodes by: its value is the node group's name. */
export const SIMPLISMART_LABEL = 'simplismart.ai/node-pool-name';

/** Label values and the name part of keys (apimachinery's IsValidLabelValue / IsQualifiedName). */
const NAME_PART = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;
/** RFC 1123 subdomain: key prefixes, node names. */
const DNS_SUBDOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

export function isLabelValue(value: string): boolean {
  return value === '' || NAME_PART.test(value);
}

export function isLabelKey(key: string): boolean {
  if (key.length > 317) return false; // 253 (prefix) + 1 + 63: checked before the regexes run
  const slash = key.indexOf('/');
  if (slash < 0) return NAME_PART.test(key);
  const prefix = key.slice(0, slash);
  return prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix) && NAME_PART.test(key.slice(slash + 1));
}

/** Node names are DNS subdomains (ValidateNodeName), at most 253 characters. */
export function isNodeName(name: string): boolean {
  return name.length <= 253 && DNS_SUBDOMAIN.test(name);
}

export const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;
export type TaintEffect = (typeof TAINT_EFFECTS)[number];

export interface Taint {
  key: string;
  value: string;
  effect: TaintEffect;
}

/**
 * A taint from any spelling the inputs use: Kubernetes' own (`NoSchedule`), the EKS and GKE APIs'
 * (`NO_SCHEDULE`), and AKS' `key=value:Effect` strings. Undefined when it breaks Kubernetes' syntax.
 */
export function readTaint(key: unknown, value: unknown, effect: unknown): Taint | undefined {
  if (typeof key !== 'string' || !isLabelKey(key)) return undefined;
  const v = value === undefined || value === null ? '' : value;
  if (typeof v !== 'string' || !isLabelValue(v)) return undefined;
  if (typeof effect !== 'string') return undefined;
  const normalised = effect.replace(/_/g, '').toLowerCase();
  const found = TAINT_EFFECTS.find((e) => e.toLowerCase() === normalised);
  return found === undefined ? undefined : { key, value: v, effect: found };
}

/** AKS' `nodeTaints` entries and eksctl's old map form: `key=value:Effect` (value optional). */
export function readTaintString(text: unknown): Taint | undefined {
  if (typeof text !== 'string' || text.length > 400) return undefined;
  const match = /^([^=:]+)(?:=([^:]*))?:([A-Za-z_]+)$/.exec(text);
  return match === null ? undefined : readTaint(match[1], match[2] ?? '', match[3]);
}

/**
 * The platforms whose node pools the proposal knows, each by the label (or, on OKE, the annotation) its
 * nodes carry. Order matters: a node is put in the first pool it names (Karpenter and EKS managed node
 * groups never label the same node; eksctl's managed node groups carry both EKS' label and eksctl's,
 * with the same value, and EKS' is the one with a lasting fix through the EKS API).
 */
export const POOL_KEYS = [
  { platform: 'karpenter', key: 'karpenter.sh/nodepool', kind: 'label' },
  { platform: 'karpenter', key: 'karpenter.sh/provisioner-name', kind: 'label' },
  { platform: 'eks', key: 'eks.amazonaws.com/nodegroup', kind: 'label' },
  { platform: 'gke', key: 'cloud.google.com/gke-nodepool', kind: 'label' },
  { platform: 'aks', key: 'kubernetes.azure.com/agentpool', kind: 'label' },
  { platform: 'aks', key: 'agentpool', kind: 'label' },
  { platform: 'oke', key: 'oke.oraclecloud.com/pool.name', kind: 'label' },
  { platform: 'oke', key: 'oci.oraclecloud.com/node-pool-id', kind: 'annotation' },
  { platform: 'eksctl', key: 'alpha.eksctl.io/nodegroup-name', kind: 'label' },
] as const;

export type Platform = (typeof POOL_KEYS)[number]['platform'] | 'generic';

/** The annotations a proposal reads; every other annotation is dropped as it is read. */
export const READ_ANNOTATIONS: ReadonlySet<string> = new Set(
  POOL_KEYS.filter((k) => k.kind === 'annotation').map((k) => k.key),
);

export const LABELS = {
  instanceType: 'node.kubernetes.io/instance-type',
  instanceTypeBeta: 'beta.kubernetes.io/instance-type',
  region: 'topology.kubernetes.io/region',
  regionBeta: 'failure-domain.beta.kubernetes.io/region',
  roleControlPlane: 'node-role.kubernetes.io/control-plane',
  roleMaster: 'node-role.kubernetes.io/master',
  roleLegacy: 'kubernetes.io/role',
  // Capacity type, per platform
  karpenterCapacity: 'karpenter.sh/capacity-type',
  eksCapacity: 'eks.amazonaws.com/capacityType',
  gkeSpot: 'cloud.google.com/gke-spot',
  gkeProvisioning: 'cloud.google.com/gke-provisioning',
  gkePreemptible: 'cloud.google.com/gke-preemptible',
  aksPriority: 'kubernetes.azure.com/scalesetpriority',
  aksMode: 'kubernetes.azure.com/mode',
  okePreemptible: 'oci.oraclecloud.com/oke-is-preemptible',
  lifecycle: 'node.kubernetes.io/lifecycle',
  eksctlCluster: 'alpha.eksctl.io/cluster-name',
  // GPUs
  gfdProduct: 'nvidia.com/gpu.product',
  gfdCount: 'nvidia.com/gpu.count',
  gfdReplicas: 'nvidia.com/gpu.replicas',
  gfdPresent: 'nvidia.com/gpu.present',
  migStrategy: 'nvidia.com/mig.strategy',
  gkeAccelerator: 'cloud.google.com/gke-accelerator',
  aksAccelerator: 'kubernetes.azure.com/accelerator',
  karpenterGpuName: 'karpenter.k8s.aws/instance-gpu-name',
  karpenterGpuCount: 'karpenter.k8s.aws/instance-gpu-count',
  karpenterGpuManufacturer: 'karpenter.k8s.aws/instance-gpu-manufacturer',
  karpenterCpu: 'karpenter.k8s.aws/instance-cpu',
  karpenterMemory: 'karpenter.k8s.aws/instance-memory',
  awsAccelerator: 'k8s.amazonaws.com/accelerator',
  amdProduct: 'amd.com/gpu.product-name',
} as const;

export const RESOURCES = {
  nvidiaGpu: 'nvidia.com/gpu',
  nvidiaGpuShared: 'nvidia.com/gpu.shared',
  amdGpu: 'amd.com/gpu',
} as const;
