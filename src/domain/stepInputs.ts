// A Workflow Builder step's inputs → the very form a person would have filled (importForm.ts,
// nodeGroupsForm.ts), so that the request is built and checked by the same code, and an invalid input
// fails the step with the words the form would show under the field, prefixed by the input's title.
// The node groups come as text: the JSON array the API takes (`nodegroup_labels`), or any node dump the
// node proposal reads (`kubectl get nodes --show-labels`, `-o json`, pool listings).
import { isUuid, PROVIDERS, SERVICE_TYPES, type Provider, type ServiceType } from './clusterImport.js';
import { emptyForm, emptyNodeGroup, GROUP_FIELD_LABELS, type FieldError, type ImportForm, type NodeGroupForm } from './importForm.js';
import type { NodeGroupsForm } from './nodeGroupsForm.js';
import { proposeNodeGroups, toNodeGroupForms } from './nodes/proposal.js';
import type { NamedReference } from './references.js';

/** The inputs as Slack sends them (`event.inputs`): values of the declared types, absent when not set. */
export type StepInputs = Record<string, unknown>;

/** Each input's title as manifest.yml declares it: what an error names. */
export const IMPORT_INPUT_TITLES = {
  name: 'Cluster name',
  provider: 'Provider',
  region: 'Region',
  hosted_zone: 'Hosted zone',
  secret: 'Secret',
  service_type: 'Service type',
  public_ip: 'Public IP',
  node_port_http: 'HTTP node port',
  node_port_https: 'HTTPS node port',
  org: 'Simplismart org',
  node_groups: 'Node groups',
  channel: 'Channel',
  requester: 'Requested by',
} as const;

export const NODE_GROUPS_INPUT_TITLES = {
  cluster: 'Cluster',
  org: 'Simplismart org',
  node_groups: 'Node groups',
  channel: 'Channel',
  requester: 'Requested by',
} as const;

/** Which input each field of the import form comes from. */
const IMPORT_FIELD_INPUT: Partial<Record<string, keyof typeof IMPORT_INPUT_TITLES>> = {
  name: 'name',
  slug: 'name',
  provider: 'provider',
  region: 'region',
  org: 'org',
  hostedZone: 'hosted_zone',
  secretId: 'secret',
  serviceType: 'service_type',
  publicIp: 'public_ip',
  nodePortHttp: 'node_port_http',
  nodePortHttps: 'node_port_https',
};

/** Where the request is told and who asks: common to both steps. */
export interface StepWho {
  channelId: string;
  requesterId: string;
}

export type Read<T> = { ok: true; value: T } | { ok: false; error: string };

function text(inputs: StepInputs, key: string): string {
  const value = inputs[key];
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return '';
}

/** The channel and requester inputs (Workflow Builder fills them with "the channel…", "Person who used this workflow"). */
export function readWho(inputs: StepInputs): Read<StepWho> {
  const channelId = text(inputs, 'channel');
  const requesterId = text(inputs, 'requester');
  if (!/^[CGD][A-Z0-9]{2,}$/.test(channelId)) return { ok: false, error: `${IMPORT_INPUT_TITLES.channel}: choose the channel where the request’s thread goes.` };
  if (!/^[UW][A-Z0-9]{2,}$/.test(requesterId)) {
    return { ok: false, error: `${IMPORT_INPUT_TITLES.requester}: choose who asks (e.g. “Person who used this workflow”); approvals and the thread name them.` };
  }
  return { ok: true, value: { channelId, requesterId } };
}

/**
 * The node groups text → the form's node groups: a JSON array as the API takes it, field by field as
 * text (the form's checks then read it as they read what people type), or what the node proposal makes
 * of a kubectl dump. A proposal's refusal ("this is a list of Pods, not Nodes") is the error.
 */
export function nodeGroupsFromText(raw: string, options: { existingGroupNames?: readonly string[]; existingAuxiliary?: string | null } = {}): Read<NodeGroupForm[]> {
  const textIn = raw.trim();
  const title = IMPORT_INPUT_TITLES.node_groups;
  if (textIn === '') return { ok: false, error: `${title}: give the node groups, as the JSON array Simplismart takes or the output of \`kubectl get nodes --show-labels\`.` };
  if (textIn.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(textIn);
    } catch (error) {
      return { ok: false, error: `${title}: this is not valid JSON (${(error as Error).message}).` };
    }
    if (!Array.isArray(parsed) || parsed.length === 0) return { ok: false, error: `${title}: the JSON array holds no node group.` };
    const groups: NodeGroupForm[] = [];
    for (const [slot, item] of parsed.entries()) {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) return { ok: false, error: `${title}: item ${slot + 1} of the array is not a node group object.` };
      groups.push(groupFromJson(item as Record<string, unknown>, slot));
    }
    return { ok: true, value: groups };
  }
  const proposal = proposeNodeGroups([textIn], options);
  if (!proposal.ok) return { ok: false, error: `${title}: ${proposal.message}` };
  if (proposal.groups.length === 0) return { ok: false, error: `${title}: no node group could be proposed from these nodes.` };
  return { ok: true, value: toNodeGroupForms(proposal.groups.map((g) => g)) };
}

function groupFromJson(item: Record<string, unknown>, slot: number): NodeGroupForm {
  const config = (item['node_config'] !== null && typeof item['node_config'] === 'object' ? item['node_config'] : {}) as Record<string, unknown>;
  const s = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');
  const capacity = s(config['capacity_type']);
  return {
    ...emptyNodeGroup(slot),
    name: s(item['name']),
    auxiliary: item['is_auxilliary'] === true || item['is_auxiliary'] === true,
    machineType: s(config['machine_type']),
    capacityType: capacity === '' ? '' : (capacity as NodeGroupForm['capacityType']),
    minNodes: s(config['min_node_count']),
    maxNodes: s(config['max_node_count']),
    desiredNodes: s(config['desired_count']),
    acceleratorType: s(config['accelerator_type']),
    acceleratorCount: s(config['accelerator_count']),
    vcpu: s(config['vcpu']),
    memory: s(config['memory']),
  };
}

/** A hosted zone or secret input: a UUID, or a name the workspace gave one (`/simplismart references`). */
function referenced(value: string, refs: readonly NamedReference[], kind: 'hosted_zone' | 'secret'): string {
  if (value === '' || isUuid(value)) return value;
  const named = refs.find((r) => r.kind === kind && r.name.toLowerCase() === value.toLowerCase());
  return named?.uuid ?? value;
}

/** What the form starts from when a field is left empty: the connection's defaults. */
export interface FormDefaults {
  orgId: string;
  hostedZone: string | null;
  secretId: string | null;
}

/** The import step's inputs → the import form (checked by buildImportBody like any other), or why not. */
export function importFormFromStep(inputs: StepInputs, defaults: FormDefaults, refs: readonly NamedReference[]): Read<ImportForm> {
  const groups = nodeGroupsFromText(text(inputs, 'node_groups'));
  if (!groups.ok) return groups;
  const provider = text(inputs, 'provider').toLowerCase();
  const serviceType = text(inputs, 'service_type');
  const form: ImportForm = {
    ...emptyForm(),
    name: text(inputs, 'name'),
    provider: (PROVIDERS as readonly string[]).includes(provider) ? (provider as Provider) : '',
    region: text(inputs, 'region'),
    org: text(inputs, 'org') || defaults.orgId,
    hostedZone: referenced(text(inputs, 'hosted_zone'), refs, 'hosted_zone') || (defaults.hostedZone ?? ''),
    secretId: referenced(text(inputs, 'secret'), refs, 'secret') || (defaults.secretId ?? ''),
    serviceType: serviceType === '' ? 'LoadBalancer' : (serviceType as ServiceType),
    publicIp: text(inputs, 'public_ip'),
    nodePortHttp: text(inputs, 'node_port_http'),
    nodePortHttps: text(inputs, 'node_port_https'),
    nodeGroups: groups.value,
  };
  if (provider !== '' && form.provider === '') return { ok: false, error: `${IMPORT_INPUT_TITLES.provider}: “${provider}” is not one Simplismart takes; use one of ${PROVIDERS.join(', ')}.` };
  if (!(SERVICE_TYPES as readonly string[]).includes(form.serviceType)) {
    return { ok: false, error: `${IMPORT_INPUT_TITLES.service_type}: use ${SERVICE_TYPES.join(' or ')}.` };
  }
  return { ok: true, value: form };
}

/** The add-node-groups step's inputs → its form, once the cluster input is resolved to a UUID. */
export function nodeGroupsFormFromStep(inputs: StepInputs, clusterId: string, defaults: FormDefaults, existing: { names: readonly string[]; auxiliary: string | null }): Read<NodeGroupsForm> {
  const groups = nodeGroupsFromText(text(inputs, 'node_groups'), { existingGroupNames: existing.names, existingAuxiliary: existing.auxiliary });
  if (!groups.ok) return groups;
  return { ok: true, value: { clusterId, org: text(inputs, 'org') || defaults.orgId, nodeGroups: groups.value } };
}

/** The cluster input as typed: a UUID, or a name/slug to look up among the workspace's clusters. */
export function clusterInput(inputs: StepInputs): string {
  return text(inputs, 'cluster');
}

/**
 * The form's field errors as one line each, named by the input they come from (a node group's field by
 * its group's number and the form's own label): what the failed step says.
 */
export function stepErrorText<K extends string>(errors: ReadonlyArray<FieldError<K>>, titles: Partial<Record<string, string>>): string {
  const lines = errors.map((e) => {
    if (e.field.scope === 'group') return `${IMPORT_INPUT_TITLES.node_groups} (group ${e.field.slot + 1}, ${GROUP_FIELD_LABELS[e.field.key]}): ${e.message}`;
    const input = IMPORT_FIELD_INPUT[e.field.key] ?? e.field.key;
    return `${titles[input] ?? titles[e.field.key] ?? e.field.key}: ${e.message}`;
  });
  return lines.join('\n');
}
