// What the person should know or do before sending, each with its next step: the `kubectl label`
// commands nodes still need (and what keeps the label on nodes the autoscaler adds later), pools whose
// nodes disagree, GPU taints and GPUs not yet offered, spot GPUs, the auxiliary suggestion, what was
// left out and what was guessed.
//
// The label commands never fail on a node that is already labelled and never move a node out of
// another group:
// - by the pool's own label where it has one: `kubectl label nodes -l '<pool label>=<pool>,
//   !simplismart.ai/node-pool-name' simplismart.ai/node-pool-name=<group>` selects only nodes with no
//   Simplismart label at all, so a rerun (or a node labelled meanwhile) is skipped rather than refused,
//   and a node labelled for another group is left alone. `--overwrite` would instead silently move such
//   a node. A selector that matches nothing labels nothing and succeeds. It also covers the pool's
//   NotReady and cordoned nodes, which belong to it too.
// - by node names where the pool has no label to select by (alike nodes, OKE's annotation): only the
//   nodes that had no Simplismart label in the dump are named, with `--overwrite`, since kubectl refuses
//   a key that already has a value — even the same one — and names cannot be combined with a selector.
//   It can only change a node labelled after the dump was taken.
import { DOCUMENTED_ACCELERATORS } from '../clusterImport.js';
import { describeListing, type GroupDraft } from './groups.js';
import { SIMPLISMART_LABEL, type Taint } from './labels.js';
import type { Finding, PoolRef, Severity } from './model.js';
import type { NodeReading } from './nodes.js';
import { plural } from './documents.js';
import { refKey, type LabelConflict } from './pools.js';

/** Nodes named in a finding; the rest are counted. */
export const NODES_SHOWN = 10;
/** Node names per `kubectl label` command. */
const NAMES_PER_COMMAND = 100;

export interface ClusterContext {
  name: string | undefined;
  region: string | undefined;
  /** GKE: the cluster's location (zone or region), from a listing. */
  location: string | undefined;
  resourceGroup: string | undefined;
}

export interface FindingInput {
  drafts: readonly GroupDraft[];
  excluded: { controlPlane: NodeReading[]; notReady: NodeReading[]; cordoned: NodeReading[] };
  readinessUnknown: NodeReading[];
  conflicts: readonly LabelConflict[];
  invalidNodes: ReadonlyArray<{ name: string | undefined; reason: string }>;
  invalidLabels: ReadonlyArray<{ node: string; keys: readonly string[] }>;
  invalidListings: number;
  duplicates: readonly string[];
  others: ReadonlyMap<string, number>;
  unread: { lines: number; first: string | undefined };
  cluster: ClusterContext;
  droppedGroups: readonly string[];
  /** Whether any node was given (else the proposal stands on listings alone). */
  nodesGiven: boolean;
}

function names(nodes: ReadonlyArray<NodeReading | string>): Pick<Finding, 'nodes' | 'moreNodes'> {
  const all = nodes.map((n) => (typeof n === 'string' ? n : n.facts.name));
  return all.length > NODES_SHOWN ? { nodes: all.slice(0, NODES_SHOWN), moreNodes: all.length - NODES_SHOWN } : { nodes: all };
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function taintText(t: Taint): string {
  return `${t.key}${t.value === '' ? '' : `=${t.value}`}:${t.effect}`;
}

/** `a, b and c` with at most `max` items named. */
function listOf(items: readonly string[], max = 6): string {
  const shown = items.slice(0, max);
  const rest = items.length - shown.length;
  const words = rest > 0 ? [...shown, `${rest} more`] : shown;
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1] ?? ''}`;
}

// ---------------------------------------------------------------- labels

/** The `kubectl label` commands that give `missing` nodes the group's label (see the file's comment). */
export function labelCommands(group: string, missing: readonly NodeReading[]): string[] {
  const selectors = new Map<string, PoolRef>();
  const byName: string[] = [];
  for (const node of missing) {
    if (node.pool?.kind === 'label') selectors.set(refKey(node.pool), node.pool);
    else byName.push(node.facts.name);
  }
  const commands = [...selectors.values()].map(
    (ref) => `kubectl label nodes -l '${ref.key}=${ref.value},!${SIMPLISMART_LABEL}' ${SIMPLISMART_LABEL}=${group}`,
  );
  for (let i = 0; i < byName.length; i += NAMES_PER_COMMAND) {
    commands.push(`kubectl label nodes --overwrite ${byName.slice(i, i + NAMES_PER_COMMAND).join(' ')} ${SIMPLISMART_LABEL}=${group}`);
  }
  return commands;
}

const placeholder = (value: string | undefined, name: string) => value ?? `<${name}>`;

/** What keeps the label on nodes created later, per platform; a command where one does it. */
export function lastingFix(ref: PoolRef | undefined, platform: GroupDraft['platform'], group: string, cluster: ClusterContext): { text: string; command?: string } {
  const labelJson = `{"${SIMPLISMART_LABEL}":"${group}"}`;
  const pool = ref?.value;
  switch (ref?.platform ?? platform) {
    case 'karpenter':
      if (ref?.key === 'karpenter.sh/provisioner-name') {
        return {
          text: 'Put the label in the Provisioner’s labels, so every node it launches carries it.',
          command: `kubectl patch provisioner ${placeholder(pool, 'provisioner')} --type merge -p '{"spec":{"labels":${labelJson}}}'`,
        };
      }
      return {
        text: 'Put the label in the NodePool’s template, so every node Karpenter launches carries it. Karpenter treats the changed template as drift and replaces the NodePool’s nodes over time, within its disruption budgets.',
        command: `kubectl patch nodepool ${placeholder(pool, 'nodepool')} --type merge -p '{"spec":{"template":{"metadata":{"labels":${labelJson}}}}}'`,
      };
    case 'eks':
      return {
        text: 'Put the label on the managed node group, so the nodes it launches later carry it (eksctl: `eksctl set labels`).',
        command: `aws eks update-nodegroup-config --cluster-name ${placeholder(cluster.name, 'cluster')} --nodegroup-name ${placeholder(pool, 'nodegroup')}${cluster.region === undefined ? '' : ` --region ${cluster.region}`} --labels '{"addOrUpdateLabels":${labelJson}}'`,
      };
    case 'eksctl':
      return {
        text: `Add \`${SIMPLISMART_LABEL}: ${group}\` under the node group’s \`labels\` in your eksctl ClusterConfig. eksctl cannot change a self-managed node group’s labels in place: nodes carry it once the node group is created again from the config; until then, run the kubectl command after each scale-up.`,
      };
    case 'gke':
      return {
        text: 'Put the label on the node pool, so the nodes it adds carry it. `--node-labels` replaces the pool’s existing Kubernetes labels: list those too.',
        command: `gcloud container node-pools update ${placeholder(pool, 'node-pool')} --cluster ${placeholder(cluster.name, 'cluster')} --location ${placeholder(cluster.location, 'location')} --node-labels=${SIMPLISMART_LABEL}=${group}`,
      };
    case 'aks':
      return {
        text: 'Put the label on the node pool, so the nodes it adds carry it. `--labels` replaces the pool’s existing node labels: list those too.',
        command: `az aks nodepool update --resource-group ${placeholder(cluster.resourceGroup, 'resource-group')} --cluster-name ${placeholder(cluster.name, 'cluster')} --name ${placeholder(pool, 'node-pool')} --labels ${SIMPLISMART_LABEL}=${group}`,
      };
    case 'oke':
      if (ref?.kind === 'annotation') {
        return {
          text: 'Add it to the node pool’s initial node labels, so nodes created afterwards carry it (the console: the node pool → Edit).',
          command: `oci ce node-pool update --node-pool-id ${ref.value} --initial-node-labels '[{"key":"${SIMPLISMART_LABEL}","value":"${group}"}]'`,
        };
      }
      return { text: `Add \`${SIMPLISMART_LABEL}=${group}\` to the node pool’s node labels (in the terraform-oci-oke module, the pool’s \`node_labels\`), so nodes created afterwards carry it.` };
    case 'generic':
      return {
        text: `Have whatever creates these nodes label them when they register: the kubelet’s \`--node-labels=${SIMPLISMART_LABEL}=${group}\` (kubeadm: \`nodeRegistration.kubeletExtraArgs\` in the join configuration), or your provisioning tool’s node labels.`,
      };
  }
}

function labelFindings(draft: GroupDraft, cluster: ClusterContext): Finding[] {
  const missing = draft.pool.nodes.filter((n) => n.simplismartName === undefined);
  if (missing.length === 0) return [];
  const total = draft.pool.nodes.length;
  // A listing that already labels the pool's new nodes: only the nodes running now need the command.
  const fix =
    draft.listing?.labels.get(SIMPLISMART_LABEL) === draft.name
      ? { text: `${capitalised(describeListing(draft.listing))} already gives new nodes the label: only the nodes running now need it.` }
      : lastingFix(draft.ref, draft.platform, draft.name, cluster);
  return [
    {
      code: 'label_missing',
      severity: 'action',
      group: draft.name,
      message: `${missing.length === total ? (total === 1 ? 'Its node lacks' : `All ${total} of its nodes lack`) : `${missing.length} of its ${total} nodes lack`} the label \`${SIMPLISMART_LABEL}=${draft.name}\`: Simplismart places nothing on a node without it.`,
      nextStep: 'Run the command below. It labels only nodes that have no Simplismart label yet, so it is safe to run again. A label set by hand is lost when the node is replaced, so make it last as well.',
      commands: labelCommands(draft.name, missing),
      lastingFix: fix,
      ...names(missing),
    },
  ];
}

function conflictFinding(conflict: LabelConflict): Finding {
  const parts = [...conflict.names.entries()].map(([name, nodes]) => `${name} (${count(nodes.length, 'node')})`);
  return {
    code: 'label_conflict',
    severity: 'warning',
    message: `The nodes of ${conflict.ref.platform === 'generic' ? 'one pool' : `pool ${conflict.ref.value}`} (${conflict.ref.key}) are labelled for different Simplismart groups: ${listOf(parts)}. Its unlabelled nodes are proposed as a group of their own.`,
    nextStep: `One pool is normally one group: relabel the odd nodes with \`kubectl label nodes --overwrite <node> ${SIMPLISMART_LABEL}=<group>\`, or keep both groups if that is intended.`,
    ...names([...conflict.names.values()].flat()),
  };
}

// ---------------------------------------------------------------- pools and GPUs

function mixedFinding(draft: GroupDraft): Finding | undefined {
  const summary = draft.summary;
  if (summary === undefined) return undefined;
  const parts: string[] = [];
  const odd: NodeReading[] = [];
  const describe = <K>(buckets: ReadonlyMap<K, NodeReading[]>, what: string, chosen: K | undefined) => {
    if (buckets.size < 2) return;
    parts.push(`${what}: ${listOf([...buckets.entries()].map(([k, nodes]) => `${String(k)} (${nodes.length})`))}`);
    for (const [k, nodes] of buckets) if (k !== chosen) odd.push(...nodes);
  };
  describe(summary.machineTypes, 'machine types', summary.machineType ?? 'unknown');
  describe(summary.accelerators, 'GPUs', summary.accelerator?.type ?? (summary.gpuNodes.length > 0 ? 'unknown' : 'none'));
  describe(summary.capacityTypes, 'capacity', summary.capacityType);
  if (parts.length === 0) return undefined;
  const chosen = [draft.config.machine_type, draft.config.accelerator_type, draft.config.capacity_type].filter((v) => v !== undefined).join(', ');
  return {
    code: 'pool_mixed',
    severity: 'warning',
    group: draft.name,
    message: `Its nodes differ — ${parts.join('; ')}. Simplismart sees one group with one machine type: it is proposed as ${chosen}, from most of its nodes.`,
    nextStep:
      draft.platform === 'karpenter'
        ? 'Karpenter picks among the instance types its NodePool allows: restrict the NodePool’s requirements (node.kubernetes.io/instance-type, karpenter.sh/capacity-type) to one, or split it into a NodePool per type.'
        : 'Split the pool, or label the nodes that differ into a group of their own.',
    ...names([...new Set(odd)]),
  };
}

const IGNORED_TAINTS = /^(?:node\.kubernetes\.io\/|node-role\.kubernetes\.io\/|node\.cloudprovider\.kubernetes\.io\/|karpenter\.sh\/|ToBeDeletedByClusterAutoscaler$|DeletionCandidateOfClusterAutoscaler$)/;
const GPU_TAINTS = new Set(['nvidia.com/gpu', 'amd.com/gpu']);

function taintFindings(draft: GroupDraft): Finding[] {
  const nodes = draft.pool.nodes;
  const taints = new Map<string, { taint: Taint; nodes: NodeReading[] }>();
  for (const node of nodes) {
    for (const taint of node.facts.taints) {
      if (taint.effect === 'PreferNoSchedule' || IGNORED_TAINTS.test(taint.key)) continue;
      const key = taintText(taint);
      const entry = taints.get(key);
      if (entry === undefined) taints.set(key, { taint, nodes: [node] });
      else entry.nodes.push(node);
    }
  }
  for (const taint of draft.listing?.taints ?? []) {
    const key = taintText(taint);
    if (taint.effect !== 'PreferNoSchedule' && !taints.has(key) && !IGNORED_TAINTS.test(taint.key)) taints.set(key, { taint, nodes: [] });
  }
  const out: Finding[] = [];
  for (const [text, { taint, nodes: tainted }] of taints) {
    const share = tainted.length === 0 || tainted.length === nodes.length ? '' : ` (${tainted.length} of its ${nodes.length} nodes)`;
    if (GPU_TAINTS.has(taint.key)) {
      out.push({
        code: 'gpu_taint',
        severity: 'info',
        group: draft.name,
        message: `Its GPU nodes are tainted \`${text}\`${share}: only pods that tolerate it run there.`,
        nextStep: `Deployments to this group need the toleration \`{key: ${taint.key}, operator: Exists, effect: ${taint.effect}}\`${draft.platform === 'gke' ? ' (GKE adds it by itself to pods that request nvidia.com/gpu)' : ''}.`,
      });
    } else {
      out.push({
        code: 'pool_taint',
        severity: 'warning',
        group: draft.name,
        message: `Its nodes are tainted \`${text}\`${share}: pods without a matching toleration are not scheduled there.`,
        nextStep: draft.auxiliary
          ? 'Simplismart’s controller and tools need a toleration for it to run on this auxiliary group; or choose another group as auxiliary.'
          : 'Deployments to this group need a toleration for it; if the taint keeps the pool for other work, label another pool for Simplismart.',
      });
    }
  }
  return out;
}

function gpuFindings(draft: GroupDraft): Finding[] {
  const out: Finding[] = [];
  const summary = draft.summary;
  const gpuNodes = summary?.gpuNodes ?? [];
  const notOffered = gpuNodes.filter((n) => n.gpu?.resourceMissing === true);
  if (notOffered.length > 0) {
    const first = notOffered[0]?.facts.name ?? '<node>';
    out.push({
      code: 'gpu_not_ready',
      severity: 'warning',
      group: draft.name,
      message: `${count(notOffered.length, 'GPU node')} ${notOffered.length === 1 ? 'offers' : 'offer'} no GPU to Kubernetes (capacity nvidia.com/gpu is 0 or absent): the NVIDIA device plugin is not running on ${notOffered.length === 1 ? 'it' : 'them'}, or not ready yet — it can take a few minutes after a node turns Ready.`,
      nextStep: `Check the device plugin (or the GPU Operator) on ${notOffered.length === 1 ? 'it' : 'them'}, then paste again.${draft.config.accelerator_count === undefined ? ' GPUs per node is left for you.' : ` GPUs per node (${draft.config.accelerator_count}) is read from ${summary?.gpuCountSource ?? 'its labels'}.`}`,
      commands: [`kubectl get pods -A -o wide --field-selector spec.nodeName=${first} | grep -i nvidia`],
      ...names(notOffered),
    });
  }
  const mig = gpuNodes.filter((n) => n.gpu?.accelerator?.mig === true);
  if (mig.length > 0) {
    out.push({
      code: 'gpu_mig',
      severity: 'warning',
      group: draft.name,
      message: `Its GPUs are MIG-partitioned (${mig[0]?.gpu?.accelerator?.model ?? 'MIG'}): nvidia.com/gpu and GFD's count are slices, not GPUs.`,
      nextStep: draft.config.accelerator_count === undefined ? 'Type the number of physical GPUs per node in the form.' : `GPUs per node (${draft.config.accelerator_count}) is read from ${summary?.gpuCountSource ?? 'its labels'}: check it.`,
      ...names(mig),
    });
  } else if (draft.isGpu && draft.missing.includes('accelerator_count')) {
    out.push({
      code: 'gpu_count_unknown',
      severity: 'action',
      group: draft.name,
      message:
        draft.pool.nodes.length === 0
          ? `Its GPUs per node are not in ${draft.listing === undefined ? 'the listing' : describeListing(draft.listing)}, and none of its nodes was given.`
          : 'Its GPUs per node could not be read: no nvidia.com/gpu.count label, no GPU resource in capacity.',
      nextStep: 'Type it in the form, or paste `kubectl get nodes -o json` (attached as a file), which carries the GPU resource.',
    });
  }
  const shared = gpuNodes.find((n) => n.gpu?.replicas !== undefined);
  if (shared?.gpu?.replicas !== undefined) {
    out.push({
      code: 'gpu_time_sliced',
      severity: 'info',
      group: draft.name,
      message: `Its GPUs are time-sliced (nvidia.com/gpu.replicas=${shared.gpu.replicas}): Kubernetes offers ${shared.gpu.replicas} shares of each GPU${draft.config.accelerator_count === undefined ? '' : `; GPUs per node counts the ${draft.config.accelerator_count} physical GPU${draft.config.accelerator_count === 1 ? '' : 's'}`}.`,
      nextStep: 'Simplismart sizes deployments by physical GPUs: keep the count unless your Simplismart setup counts shares.',
    });
  }
  if (draft.isGpu && draft.missing.includes('accelerator_type')) {
    const vendor = gpuNodes.find((n) => n.gpu?.vendor !== undefined)?.gpu?.vendor;
    out.push({
      code: 'accelerator_unknown',
      severity: 'action',
      group: draft.name,
      message: `It has GPUs${vendor === undefined ? '' : ` (kubernetes.azure.com/accelerator=${vendor})`}, but nothing names their model.`,
      nextStep: `Choose the accelerator type in the form (${DOCUMENTED_ACCELERATORS.join(', ')}, …). NVIDIA's GPU Feature Discovery (part of the GPU Operator) labels the model as nvidia.com/gpu.product.`,
    });
  }
  const accelerator = draft.accelerator;
  if (accelerator !== undefined && draft.isGpu) {
    if (accelerator.inferred) {
      out.push({
        code: 'accelerator_inferred',
        severity: 'info',
        group: draft.name,
        message: `No label names its GPU model: ${accelerator.type} is inferred from the machine type ${accelerator.model}.`,
        nextStep: 'Check it. NVIDIA’s GPU Feature Discovery (part of the GPU Operator) labels the model as nvidia.com/gpu.product.',
      });
    }
    if (!accelerator.documented) {
      out.push({
        code: 'accelerator_not_documented',
        severity: 'info',
        group: draft.name,
        message: `Its GPU, read as ${accelerator.model} (${accelerator.source}), is proposed as \`${accelerator.type}\`, a name Simplismart’s docs do not list (they name ${DOCUMENTED_ACCELERATORS.join(', ')}).`,
        nextStep: 'Check the name your Simplismart organisation uses for this GPU, and edit it in the form if it differs.',
      });
    }
  }
  if (draft.isGpu && draft.config.capacity_type === 'SPOT') {
    out.push({
      code: 'spot_gpu',
      severity: 'warning',
      group: draft.name,
      message: `It runs GPUs on spot capacity${summary === undefined ? '' : ` (${gpuNodes.find((n) => n.capacitySpelling !== undefined)?.capacitySpelling ?? 'spot'})`}: the cloud can take a node back at short notice, and the models on it restart elsewhere.`,
      nextStep: 'Fine for batch work and bursts; keep an on-demand GPU group for traffic that must not drop.',
    });
  }
  return out;
}

function sizeFindings(draft: GroupDraft, nodesGiven: boolean): Finding[] {
  const out: Finding[] = [];
  for (const o of draft.outOfRange) {
    out.push({
      code: 'value_out_of_range',
      severity: 'warning',
      group: draft.name,
      message: `Its ${o.field.replace(/_/g, ' ')} reads ${o.value}, above what Simplismart takes (${o.limit}): left out.`,
      nextStep: 'Check the nodes; type the value in the form if it is right.',
    });
  }
  if (draft.desiredAdjusted !== undefined) {
    const { seen, desired } = draft.desiredAdjusted;
    out.push({
      code: 'desired_adjusted',
      severity: 'info',
      group: draft.name,
      message: `${count(seen, 'node')} ${seen === 1 ? 'is' : 'are'} Ready now, outside the pool’s bounds (${draft.config.min_node_count ?? '?'}–${draft.config.max_node_count ?? '?'}): desired is set to ${desired}.`,
      nextStep: 'Check the bounds, or wait for the pool to settle and paste again.',
    });
  }
  if (draft.pool.nodes.length === 0 && draft.listing !== undefined) {
    out.push({
      code: 'listing_only',
      severity: 'info',
      group: draft.name,
      message: nodesGiven
        ? `It comes from ${describeListing(draft.listing)} alone: none of its nodes is in the node dump (scaled to zero, or not given).`
        : `It comes from ${describeListing(draft.listing)}: no node dump was given.`,
      nextStep: draft.missing.length > 0 ? `Fill in what only nodes tell: ${draft.missing.map((f) => f.replace(/_/g, ' ')).join(', ')}.` : 'Check it in the form.',
    });
  }
  return out;
}

// ---------------------------------------------------------------- summaries across groups

function excludedFindings(input: FindingInput): Finding[] {
  const { controlPlane, notReady, cordoned } = input.excluded;
  const out: Finding[] = [];
  if (controlPlane.length > 0) {
    out.push({
      code: 'excluded_control_plane',
      severity: 'info',
      message: `${count(controlPlane.length, 'control-plane node')} left out: they run the cluster, not models.`,
      nextStep: 'Nothing to do.',
      ...names(controlPlane),
    });
  }
  if (notReady.length > 0) {
    out.push({
      code: 'excluded_not_ready',
      severity: 'warning',
      message: `${count(notReady.length, 'NotReady node')} left out of the desired counts.`,
      nextStep: 'Once they are Ready, add them to their group’s desired count (or paste again).',
      ...names(notReady),
    });
  }
  if (cordoned.length > 0) {
    out.push({
      code: 'excluded_cordoned',
      severity: 'info',
      message: `${count(cordoned.length, 'cordoned node')} (SchedulingDisabled) left out of the desired counts.`,
      nextStep: 'If they are coming back (`kubectl uncordon`), add them to their group’s desired count.',
      ...names(cordoned),
    });
  }
  if (input.readinessUnknown.length > 0) {
    out.push({
      code: 'readiness_unknown',
      severity: 'info',
      message: `${count(input.readinessUnknown.length, 'node')} carry no Ready condition in the input: counted as Ready.`,
      nextStep: 'Paste kubectl’s output unedited to have readiness checked.',
      ...names(input.readinessUnknown),
    });
  }
  return out;
}

/** How to get each platform's listing, so min and max are read instead of guessed. */
function listingCommands(drafts: readonly GroupDraft[], cluster: ClusterContext): string[] {
  const platforms = new Set(drafts.map((d) => d.platform));
  const cmds: string[] = [];
  const name = placeholder(cluster.name, 'cluster');
  for (const draft of drafts.filter((d) => d.platform === 'eks').slice(0, 6)) {
    cmds.push(`aws eks describe-nodegroup --cluster-name ${name} --nodegroup-name ${placeholder(draft.ref?.value, 'nodegroup')}${cluster.region === undefined ? '' : ` --region ${cluster.region}`}`);
  }
  if (platforms.has('eksctl')) cmds.push(`eksctl get nodegroup --cluster ${name} -o json`);
  if (platforms.has('gke')) cmds.push(`gcloud container node-pools list --cluster ${name} --location ${placeholder(cluster.location, 'location')} --format=json`);
  if (platforms.has('aks')) cmds.push(`az aks nodepool list --resource-group ${placeholder(cluster.resourceGroup, 'resource-group')} --cluster-name ${name} -o json`);
  if (platforms.has('karpenter')) cmds.push('kubectl get nodepools.karpenter.sh -o yaml');
  return cmds;
}

function acrossGroups(input: FindingInput): Finding[] {
  const out: Finding[] = [];
  const proposed = input.drafts.filter((d) => !d.registered);
  const guessed = proposed.filter((d) => d.bounds === 'guess' && d.pool.nodes.length > 0);
  if (guessed.length > 0) {
    const cmds = listingCommands(guessed, input.cluster);
    out.push({
      code: 'min_max_guessed',
      severity: 'info',
      message: `Nodes do not know their pool’s min and max: for ${listOf(guessed.map((d) => d.name))} they start as a guess (the pool as it is now).`,
      nextStep:
        cmds.length > 0
          ? 'Set them in the form, or paste the node-pool listing as well and they are read from it:'
          : 'Set them in the form to the node groups’ autoscaling bounds.',
      ...(cmds.length > 0 ? { commands: cmds } : {}),
    });
  }
  const rounded = proposed.filter((d) => d.summary?.memory !== undefined && d.summary.memory.source !== 'karpenter' && d.config.memory !== undefined && Math.abs(d.summary.memory.readGiB - d.config.memory) > 0.01);
  if (rounded.length > 0) {
    out.push({
      code: 'memory_rounded',
      severity: 'info',
      message: `Nodes report less memory than their machine has (the kernel keeps some), so memory is rounded to the nominal size: ${listOf(rounded.map((d) => `${d.name} ${d.summary?.memory?.readGiB.toFixed(1) ?? '?'} GiB → ${d.config.memory ?? '?'} GB`))}.`,
      nextStep: 'Check each against its machine type’s specification.',
    });
  }
  const untyped = proposed.filter((d) => d.missing.includes('machine_type') && d.pool.nodes.length > 0);
  if (untyped.length > 0) {
    out.push({
      code: 'machine_type_unknown',
      severity: 'info',
      message: `No machine type for ${listOf(untyped.map((d) => d.name))}: their nodes carry no node.kubernetes.io/instance-type label (a cloud provider sets it).`,
      nextStep: 'Type one in the form if you want Simplismart to show it (the server model, say); it may stay empty.',
    });
  }
  const unsized = proposed.filter((d) => d.pool.nodes.length > 0 && d.pool.nodes.every((n) => n.facts.capacity === undefined) && (d.missing.includes('vcpu') || d.missing.includes('memory')));
  if (unsized.length > 0) {
    out.push({
      code: 'sizes_unknown',
      severity: 'info',
      message: `\`kubectl get nodes --show-labels\` has no capacity: vCPU and memory are left empty for ${listOf(unsized.map((d) => d.name))}.`,
      nextStep: 'Type them in the form, or attach `kubectl get nodes -o json` as a file to have them read.',
    });
  }
  const auxiliary = input.drafts.find((d) => d.auxiliary);
  if (auxiliary !== undefined) {
    out.push({
      code: 'auxiliary_suggested',
      severity: 'info',
      group: auxiliary.name,
      message: `${auxiliary.name} is suggested as the auxiliary group — it runs Simplismart’s controller and tools, never models — because ${auxiliary.auxiliaryReason ?? 'it has no GPUs'}.`,
      nextStep: 'Only one group can be auxiliary: untick it, or tick another, in the form.',
    });
  } else if (proposed.length > 0 && !input.drafts.some((d) => d.registered)) {
    out.push({
      code: 'auxiliary_none',
      severity: 'info',
      message: 'No CPU-only pool to suggest as the auxiliary group: Simplismart’s controller and tools would take room on GPU nodes.',
      nextStep: 'Add a small CPU-only node pool and paste again, or mark a group auxiliary yourself.',
    });
  }
  for (const draft of input.drafts.filter((d) => d.registered)) {
    out.push({
      code: 'registered',
      severity: 'info',
      group: draft.name,
      message: `${draft.name} is already a node group of this cluster${draft.pool.simplismartName === undefined ? ' (taken to be this pool because the names match)' : ''}: not proposed again.`,
      nextStep: draft.pool.nodes.some((n) => n.simplismartName === undefined) ? 'Its nodes still need the label: see the commands.' : 'Nothing to do.',
    });
  }
  if (input.droppedGroups.length > 0) {
    out.push({
      code: 'too_many_groups',
      severity: 'warning',
      message: `More pools than a request takes: ${listOf([...input.droppedGroups])} are not proposed.`,
      nextStep: 'Add them afterwards with the node-groups form.',
    });
  }
  return out;
}

function inputFindings(input: FindingInput): Finding[] {
  const out: Finding[] = [];
  if (input.invalidNodes.length > 0 || input.invalidLabels.length > 0 || input.invalidListings > 0) {
    const parts: string[] = [];
    if (input.invalidNodes.length > 0) parts.push(`${count(input.invalidNodes.length, 'node entry')} (${input.invalidNodes[0]?.reason ?? ''})`.replace('entrys', 'entries'));
    if (input.invalidLabels.length > 0) {
      const keys = [...new Set(input.invalidLabels.flatMap((l) => l.keys))];
      parts.push(`labels or taints on ${count(input.invalidLabels.length, 'node')} (${listOf(keys, 3)})`);
    }
    if (input.invalidListings > 0) parts.push(`${count(input.invalidListings, 'node-pool entry')}`.replace('entrys', 'entries'));
    out.push({
      code: 'invalid_entries',
      severity: 'warning',
      message: `Left out because they break Kubernetes’ syntax: ${listOf(parts)}.`,
      nextStep: 'A real cluster cannot hold these: check that the paste was not edited.',
      ...names([...input.invalidNodes.map((n) => n.name ?? '(no name)'), ...input.invalidLabels.map((l) => l.node)]),
    });
  }
  if (input.duplicates.length > 0) {
    out.push({
      code: 'duplicate_nodes',
      severity: 'info',
      message: `${count(input.duplicates.length, 'node')} appeared more than once: read once.`,
      nextStep: 'Nothing to do.',
      ...names(input.duplicates),
    });
  }
  if (input.others.size > 0) {
    const parts = [...input.others.entries()].map(([kind, n]) => `${n} ${plural(kind, n)}`);
    out.push({ code: 'ignored_objects', severity: 'info', message: `The input also held ${listOf(parts)}: ignored.`, nextStep: 'Nothing to do.' });
  }
  if (input.unread.lines > 0) {
    out.push({
      code: 'unread_lines',
      severity: 'info',
      message: `${count(input.unread.lines, 'line')} of the table could not be read${input.unread.first === undefined ? '' : `, the first: “${input.unread.first}”`}.`,
      nextStep: 'If nodes are missing from the proposal, paste the table again as kubectl printed it.',
    });
  }
  return out;
}

const SEVERITY_ORDER: Record<Severity, number> = { action: 0, warning: 1, info: 2 };

/** Every finding, the ones that need action first. */
export function findingsFor(input: FindingInput): Finding[] {
  const perGroup: Finding[] = [];
  for (const draft of input.drafts) {
    perGroup.push(...labelFindings(draft, input.cluster));
    if (draft.registered) continue;
    const mixed = mixedFinding(draft);
    if (mixed !== undefined) perGroup.push(mixed);
    perGroup.push(...gpuFindings(draft), ...taintFindings(draft), ...sizeFindings(draft, input.nodesGiven));
  }
  const all = [...perGroup, ...input.conflicts.map(conflictFinding), ...acrossGroups(input), ...excludedFindings(input), ...inputFindings(input)];
  // A stable sort: within a severity, groups keep their order.
  return all.map((f, i) => ({ f, i })).sort((a, b) => SEVERITY_ORDER[a.f.severity] - SEVERITY_ORDER[b.f.severity] || a.i - b.i).map(({ f }) => f);
}
