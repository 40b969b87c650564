// The shapes the node-group proposal passes between its steps and hands back: what was read from a
// node (NodeFacts) or a cloud's node-pool listing (PoolListing), findings with their next step, and
// the refusal given instead of a proposal. No logic lives here.
import type { CapacityType } from '../clusterImport.js';
import type { Platform, Taint } from './labels.js';

/** What a person gave, recognised without asking. */
export type InputFormat =
  | 'kubectl-json'
  | 'kubectl-yaml'
  | 'kubectl-show-labels'
  | 'eks-describe-nodegroup'
  | 'eksctl-get-nodegroup'
  | 'eksctl-cluster-config'
  | 'gke-node-pools'
  | 'aks-nodepool-list'
  | 'karpenter-nodepool';

/** One node as read, every string in it checked against Kubernetes' syntax. */
export interface NodeFacts {
  name: string;
  labels: ReadonlyMap<string, string>;
  /** Only the annotations the proposal reads (OKE's node-pool OCID); the others are not kept. */
  annotations: ReadonlyMap<string, string>;
  taints: readonly Taint[];
  /** Cordoned: `spec.unschedulable`, or `SchedulingDisabled` in a table's STATUS. */
  unschedulable: boolean;
  /** The Ready condition; undefined when the input did not say. */
  ready: boolean | undefined;
  /** A control-plane node (role label, role taint, or the ROLES column). */
  controlPlane: boolean;
  /** `status.capacity` (the resources read), when the input had it: --show-labels has none. */
  capacity: ReadonlyMap<string, unknown> | undefined;
  allocatable: ReadonlyMap<string, unknown> | undefined;
  providerId: string | undefined;
  /** Label keys (and taints) dropped for breaking Kubernetes' syntax, clipped for display. */
  invalid: readonly string[];
  format: InputFormat;
}

/** Where a node's platform says its pool is: a label (usable in a selector) or OKE's annotation. */
export interface PoolRef {
  platform: Platform;
  key: string;
  value: string;
  kind: 'label' | 'annotation';
}

/** A node pool as a cloud's own listing describes it: what nodes cannot tell (min, max) and more. */
export interface PoolListing {
  format: InputFormat;
  platform: Platform;
  name: string;
  /** Node labels whose value is this pool's name on its nodes. */
  poolKeys: readonly string[];
  clusterName: string | undefined;
  /** GKE location, AWS region, when the listing says. */
  location: string | undefined;
  resourceGroup: string | undefined;
  min: number | undefined;
  max: number | undefined;
  desired: number | undefined;
  /** How min and max were read when not simply given (GKE per-zone limits, a fixed size). */
  boundsNote: string | undefined;
  /** The pool's node count is fixed (no autoscaling): min = max = the nodes it has. */
  fixedSize: boolean;
  machineTypes: readonly string[];
  capacityType: CapacityType | undefined;
  /** Both spot and on-demand allowed (Karpenter requirements, an eksctl instances distribution). */
  mixedCapacity: boolean;
  labels: ReadonlyMap<string, string>;
  taints: readonly Taint[];
  /** The GPU model and count the listing names (GKE accelerators, Karpenter's GPU-name requirement). */
  accelerator: { name: string; count: number | undefined; source: string } | undefined;
  /** AKS' pool mode. */
  mode: 'system' | 'user' | undefined;
  /** Karpenter's resource limits, in base units (cores, bytes, devices). */
  limits: ReadonlyMap<string, number> | undefined;
}

export type FindingCode =
  | 'label_missing'
  | 'label_conflict'
  | 'pool_mixed'
  | 'gpu_taint'
  | 'pool_taint'
  | 'gpu_not_ready'
  | 'gpu_count_unknown'
  | 'gpu_mig'
  | 'gpu_time_sliced'
  | 'spot_gpu'
  | 'auxiliary_suggested'
  | 'auxiliary_none'
  | 'excluded_control_plane'
  | 'excluded_not_ready'
  | 'excluded_cordoned'
  | 'readiness_unknown'
  | 'min_max_guessed'
  | 'desired_adjusted'
  | 'memory_rounded'
  | 'sizes_unknown'
  | 'machine_type_unknown'
  | 'accelerator_unknown'
  | 'accelerator_inferred'
  | 'accelerator_not_documented'
  | 'value_out_of_range'
  | 'invalid_entries'
  | 'duplicate_nodes'
  | 'ignored_objects'
  | 'unread_lines'
  | 'listing_only'
  | 'registered'
  | 'too_many_groups';

export type Severity = 'action' | 'warning' | 'info';

export interface Finding {
  code: FindingCode;
  severity: Severity;
  /** The node group it is about, by its proposed (or registered) name. */
  group?: string;
  message: string;
  nextStep: string;
  /** Commands to run as they are, one per line. */
  commands?: readonly string[];
  /** For a label the autoscaler would lose: what keeps it on nodes created later. */
  lastingFix?: { text: string; command?: string };
  /** The nodes it is about (the first few; `moreNodes` counts the rest). */
  nodes?: readonly string[];
  moreNodes?: number;
}

export type RefusalCode =
  | 'empty'
  | 'too_many_inputs'
  | 'too_large'
  | 'too_deep'
  | 'too_complex'
  | 'cut_off'
  | 'not_json'
  | 'not_yaml'
  | 'unrecognised'
  | 'wrong_kind'
  | 'no_labels_column'
  | 'too_many_nodes'
  | 'nothing_to_propose';

/** Why nothing is proposed: a code for logs and tests, a sentence for people, and which input. */
export interface NodeInputRefusal {
  ok: false;
  code: RefusalCode;
  message: string;
  /** The input (0-based) it is about, when one. */
  input: number | undefined;
}
