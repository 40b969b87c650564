// The form that adds node groups to a cluster, as people fill it, and its one mapping to the API body
// `{org, nodegroup_labels}` — the node groups built and checked exactly as the import form's are, plus
// what only a change can break: a name the cluster already has, a second auxiliary group. And back,
// for "Edit and retry".
import { addNodeGroupsBodySchema, isUuid, type AddNodeGroupsBody } from './clusterImport.js';
import { buildNodeGroup, dedupe, emptyNodeGroup, groupFieldForIssue, nodeGroupFromBody, type FieldError, type FieldRef, type NodeGroupForm } from './importForm.js';
import { OTHER_OPTION_TEXT } from './menuOptions.js';

export interface NodeGroupsForm {
  /** The cluster's UUID (chosen by name, or typed). */
  clusterId: string;
  org: string;
  nodeGroups: NodeGroupForm[];
}

export type NodeGroupsField = 'clusterId' | 'org';
export type NodeGroupsFieldRef = FieldRef<NodeGroupsField>;
export type NodeGroupsFieldError = FieldError<NodeGroupsField>;

/** What is already known of the cluster's node groups before anything is sent. */
export interface KnownNodeGroups {
  /** Each name the cluster has (or a request of this workspace is adding), with why, as a sentence's end. */
  names: ReadonlyMap<string, string>;
  /** The cluster's auxiliary group, when it has one: a second one is refused. */
  auxiliary: string | null;
}

export const NO_KNOWN_GROUPS: KnownNodeGroups = { names: new Map(), auxiliary: null };

export type NodeGroupsBuild = { ok: true; body: AddNodeGroupsBody } | { ok: false; errors: NodeGroupsFieldError[] };

export function emptyNodeGroupsForm(clusterId = '', org = ''): NodeGroupsForm {
  return { clusterId, org, nodeGroups: [emptyNodeGroup(0)] };
}

const own = (key: NodeGroupsField): NodeGroupsFieldRef => ({ scope: 'cluster', key });

/** Form → API body, or every problem found, each attached to its field. */
export function buildNodeGroupsBody(form: NodeGroupsForm, known: KnownNodeGroups): NodeGroupsBuild {
  const errors: NodeGroupsFieldError[] = [];
  const clusterId = form.clusterId.trim();
  if (clusterId === '') errors.push({ field: own('clusterId'), message: `Choose the cluster, or choose “${OTHER_OPTION_TEXT}” and paste its UUID.` });
  else if (!isUuid(clusterId)) errors.push({ field: own('clusterId'), message: 'Enter the cluster’s UUID, such as 1e99a854-26de-4c19-b6b6-68c7e03c39c3.' });
  const candidate = {
    org: form.org.trim(),
    nodegroup_labels: form.nodeGroups.map((g) => buildNodeGroup(g, errors)),
  };
  for (const g of form.nodeGroups) {
    const name = g.name.trim();
    const why = known.names.get(name);
    if (why !== undefined) errors.push({ field: { scope: 'group', slot: g.slot, key: 'name' }, message: `“${name}” ${why}: choose another name.` });
    if (g.auxiliary && known.auxiliary !== null) {
      errors.push({ field: { scope: 'group', slot: g.slot, key: 'auxiliary' }, message: `The cluster already has an auxiliary node group (“${known.auxiliary}”), and only one can be.` });
    }
  }
  const parsed = addNodeGroupsBodySchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field: NodeGroupsFieldRef = issue.path[0] === 'nodegroup_labels' ? groupFieldForIssue(issue.path, form.nodeGroups) : own('org');
      errors.push({ field, message: issue.message });
    }
  }
  // dedupe keeps the first error of each field: a field that failed to parse keeps that clearer message.
  if (errors.length === 0 && parsed.success) return { ok: true, body: parsed.data };
  return { ok: false, errors: dedupe(errors) };
}

/** API body → form, for "Edit and retry". */
export function nodeGroupsFormFromBody(body: AddNodeGroupsBody, clusterId: string): NodeGroupsForm {
  return { clusterId, org: body.org, nodeGroups: body.nodegroup_labels.map(nodeGroupFromBody) };
}
