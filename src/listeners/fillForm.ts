// The form under "Fill from my nodes", filled: rendered again from what it held when the button was
// clicked (carried in the pushed modal's metadata), its node groups replaced by the proposed ones under
// fresh slots (new block ids: Slack shows their values instead of what was typed in the old ones), the
// provenance kept in its metadata for the request, and on top where the groups came from and the
// findings with their commands. Then views.update of that form by its id and hash.
import type { KnownBlock, ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { PROVIDERS, REGION_PROVIDERS, SERVICE_TYPES } from '../domain/clusterImport.js';
import { emptyForm, type ImportForm } from '../domain/importForm.js';
import type { NodeProposal } from '../domain/nodes/proposal.js';
import { toNodeGroupForms } from '../domain/nodes/proposal.js';
import type { Services } from '../services/index.js';
import { slackErrorCode } from '../slack/errors.js';
import { SLACK_LIMITS } from '../views/blocks.js';
import { fillFindingBlocks, fillNotes, type FillMeta } from '../views/fillFromNodes.js';
import { renderImportModal } from '../views/importModal.js';
import { decodeMeta } from '../views/importModalMeta.js';
import { MAX_NODE_GROUPS } from '../views/nodeGroupEditor.js';
import { decodeNodeGroupsMeta, renderNodeGroupsModal } from '../views/nodeGroupsModal.js';
import { wireView } from '../views/wire.js';

/** What the proposal must leave out for the node-groups form: the chosen cluster's own groups. */
export async function existingGroupsOf(meta: FillMeta, teamId: string, services: Services): Promise<{ existingGroupNames: string[]; existingAuxiliary: string | null }> {
  if (meta.k !== 'nodegroups') return { existingGroupNames: [], existingAuxiliary: null };
  const clusterId = (meta.f['clusterId'] ?? '').trim().toLowerCase();
  if (clusterId === '') return { existingGroupNames: [], existingAuxiliary: null };
  const cluster = (await services.clusters.list(teamId)).find((c) => c.uuid !== null && c.uuid.toLowerCase() === clusterId);
  const groups = cluster?.nodeGroups.map((g) => g.group) ?? [];
  return { existingGroupNames: groups.map((g) => g.name), existingAuxiliary: groups.find((g) => g.is_auxilliary)?.name ?? null };
}

/** The response_url the form carries (the command's that opened it), to tell the person where they acted. */
export function responseUrlOf(meta: FillMeta): string | undefined {
  return (meta.k === 'import' ? decodeMeta(meta.m) : decodeNodeGroupsMeta(meta.m))?.u;
}

/** Why the form could not be rendered filled (a form this bot did not write, slots used up). */
export class FormNotFillable extends Error {}

/** The form as it will look once filled with `proposal`. */
export async function filledForm(meta: FillMeta, proposal: NodeProposal, provenance: string, teamId: string, services: Services): Promise<ModalView> {
  const groups = proposal.groups.slice(0, MAX_NODE_GROUPS);
  if (meta.k === 'import') {
    const parent = decodeMeta(meta.m);
    if (parent === undefined) throw new FormNotFillable('import form metadata');
    const nodeGroups = toNodeGroupForms(groups, parent.n);
    const slots = nodeGroups.map((g) => g.slot);
    if (parent.n + slots.length > 1000) throw new FormNotFillable('slots used up');
    const typed = carriedImportForm(meta);
    const { form: cluster, filled, disagree } = withClusterFromNodes(typed, proposal);
    const notes = fillNotes(proposal, provenance, groups.length, { filled, disagree });
    const form: ImportForm = { ...cluster, nodeGroups };
    const view = renderImportModal(form, { ...parent, s: slots, n: parent.n + slots.length, p: provenance }, notes, await services.references.list(teamId));
    return withFindings(view, proposal);
  }
  const parent = decodeNodeGroupsMeta(meta.m);
  if (parent === undefined) throw new FormNotFillable('node-groups form metadata');
  const nodeGroups = toNodeGroupForms(groups, parent.n);
  const slots = nodeGroups.map((g) => g.slot);
  if (parent.n + slots.length > 1000) throw new FormNotFillable('slots used up');
  const form = { clusterId: meta.f['clusterId'] ?? '', org: meta.f['org'] ?? '', nodeGroups };
  const notes = fillNotes(proposal, provenance, groups.length);
  const view = renderNodeGroupsModal(form, { ...parent, s: slots, n: parent.n + slots.length, p: provenance }, await services.clusters.list(teamId), notes);
  return withFindings(view, proposal);
}

/**
 * The cluster's fields left empty, filled from what the nodes say (provider, region, name); those typed
 * stay as typed, and where they differ from the nodes that is said.
 */
export function withClusterFromNodes(form: ImportForm, proposal: NodeProposal): { form: ImportForm; filled: string[]; disagree: string[] } {
  const said = proposal.cluster;
  const filled: string[] = [];
  const disagree: string[] = [];
  let next = form;
  if (said.provider !== undefined) {
    if (form.provider === '') {
      next = { ...next, provider: said.provider };
      filled.push(`provider ${said.provider}`);
    } else if (form.provider !== said.provider) {
      disagree.push(`provider ${said.provider} (the form says ${form.provider})`);
    }
  }
  const provider = next.provider;
  if (said.region !== undefined && provider !== '' && REGION_PROVIDERS.includes(provider)) {
    if (form.region.trim() === '') {
      next = { ...next, region: said.region };
      filled.push(`region ${said.region}`);
    } else if (form.region.trim() !== said.region) {
      disagree.push(`region ${said.region} (the form says ${form.region.trim()})`);
    }
  }
  if (said.name !== undefined && form.name.trim() === '') {
    next = { ...next, name: said.name };
    filled.push(`name ${said.name}`);
  }
  return { form: next, filled, disagree };
}

/** The import form's fields as carried (a field left out of the carried copy reads as empty). */
function carriedImportForm(meta: FillMeta): ImportForm {
  const form = emptyForm();
  const f = meta.f;
  const text = (key: string) => f[key] ?? '';
  const provider = text('provider');
  const serviceType = text('serviceType');
  return {
    ...form,
    name: text('name'),
    slug: text('slug'),
    provider: (PROVIDERS as readonly string[]).includes(provider) ? (provider as ImportForm['provider']) : '',
    region: text('region'),
    org: text('org'),
    hostedZone: text('hostedZone'),
    secretId: text('secretId'),
    serviceType: (SERVICE_TYPES as readonly string[]).includes(serviceType) ? (serviceType as ImportForm['serviceType']) : form.serviceType,
    publicIp: text('publicIp'),
    nodePortHttp: text('nodePortHttp'),
    nodePortHttps: text('nodePortHttps'),
    avatarUrl: text('avatarUrl'),
    fontColor: text('fontColor'),
    backgroundColor: text('backgroundColor'),
    clusterNodeConfig: text('clusterNodeConfig'),
    clusterTools: text('clusterTools'),
    toolChoices: meta.t ?? {},
  };
}

/** The findings on top of the form (after its notes), in the blocks Slack's 100 leave. */
function withFindings(view: ModalView, proposal: NodeProposal): ModalView {
  const blocks = view.blocks as KnownBlock[];
  const top = blocks[0]?.type === 'context' ? 1 : 0;
  const findings = fillFindingBlocks(proposal, SLACK_LIMITS.modalBlocks - blocks.length);
  return { ...view, blocks: [...blocks.slice(0, top), ...findings, ...blocks.slice(top)] };
}

/**
 * Updates the form (by the id and hash it had when the button was clicked: it cannot change under the
 * pushed modal, so a conflict means it did, and the fill is not forced over it). Resolves false when
 * the form was changed or closed meanwhile.
 */
export async function updateForm(client: WebClient, meta: FillMeta, view: ModalView, services: Services): Promise<boolean> {
  try {
    await client.views.update({ view_id: meta.v, hash: meta.h, view: wireView(view) });
    return true;
  } catch (error) {
    const code = slackErrorCode(error);
    if (code === 'hash_conflict' || code === 'not_found') {
      services.logger.debug({ viewId: meta.v, code }, 'the form changed or closed before it was filled');
      return false;
    }
    throw error;
  }
}
