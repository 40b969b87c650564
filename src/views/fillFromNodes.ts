// "Fill from my nodes": the small modal pushed over the import form or the node-groups form (a text box
// for a paste, a file input for a whole dump), its metadata — which form it fills and what that form
// held when the button was clicked — and what the filled form shows on top: where its groups came
// from, the findings with their commands, or why nothing was filled. Pure Block Kit builders.
//
// Why the form's typed fields travel in this modal's metadata: a view_submission carries the submitted
// view's state only, never the state of the view under it, and the parent must be rendered again (with
// the proposed groups) without losing what was typed. Slack keeps an input's typed state across
// views.update when its block and action ids stay, so the fields carried here are a second guarantee
// (and what decides which conditional fields show); those too long for the 3000 characters of metadata
// are left to that guarantee alone (see fillMetaFor).
import type { KnownBlock, ModalView } from '@slack/types';
import { z } from 'zod';
import type { NodeInputRefusal, NodeProposal } from '../domain/nodes/proposal.js';
import { clip, clipMrkdwn, code, context, escapeMrkdwn, escapedWithin, input, plain, section, SLACK_LIMITS, textInput } from './blocks.js';
import { CALLBACK, FILL_BLOCK, INPUT_ACTION } from './ids.js';
import type { ModalState } from './modalState.js';
import { findingBlocks } from './nodeProposalMessage.js';
import { PROVENANCE_MAX } from './requestFormMeta.js';

/** What the text box holds: a few nodes' `--show-labels`, or one node's JSON (Slack's limit for a text input). */
export const FILL_TEXT_MAX = 3000;
/** A dump and a few node-pool listings. */
export const FILL_MAX_FILES = 3;
/** Extensions offered by the file input (Slack checks them for convenience only: the bot checks again). */
export const FILL_FILE_TYPES = ['json', 'yaml', 'yml', 'txt'] as const;
/**
 * The largest file read, in bytes: Slack's own limit for a file input (10 MB). Checked from files.info
 * before downloading and again on the streamed body. 1000 nodes of `kubectl get nodes -o json` without
 * their images take about 4 MB.
 */
export const FILL_FILE_MAX_BYTES = 10 * 1024 * 1024;

/** Slack's limit for private_metadata. */
const METADATA_MAX = 3000;

export type FilledForm = 'import' | 'nodegroups';

const fillMetaSchema = z.object({
  /** The form under this modal: its view id and hash (views.update refuses a changed view). */
  v: z.string().min(1).max(40),
  h: z.string().max(200),
  k: z.enum(['import', 'nodegroups']),
  /** The form's own private_metadata, as it was. */
  m: z.string().max(METADATA_MAX),
  /** The form's fields as typed when the button was clicked (field → text). */
  f: z.record(z.string().max(40), z.string().max(METADATA_MAX)),
  /** The import form's tools chosen by name. */
  t: z.record(z.string().max(100), z.array(z.string().max(100)).max(100)).optional(),
});
export type FillMeta = z.infer<typeof fillMetaSchema>;

/**
 * The fields dropped first when the metadata would pass 3000 characters: the long, rarely-set ones.
 * Slack still keeps what was typed in them (same block ids); only the carried copy is lost.
 */
const DROPPED_FIRST = ['clusterNodeConfig', 'clusterTools', 'avatarUrl', 'backgroundColor', 'fontColor', 'publicIp'];

export function encodeFillMeta(meta: FillMeta): string {
  return JSON.stringify(meta);
}

export function decodeFillMeta(raw: string | undefined): FillMeta | undefined {
  if (raw === undefined || raw === '' || raw.length > METADATA_MAX) return undefined;
  try {
    const parsed = fillMetaSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The metadata of the modal that fills `parent` (a form of `kind` holding `fields` as typed), within
 * 3000 characters: long fields are dropped first (DROPPED_FIRST), then the named tools, then any field
 * longest first. Undefined when even the form's own metadata does not leave room.
 */
export function fillMetaFor(
  kind: FilledForm,
  parent: { id: string; hash: string; private_metadata: string },
  fields: Record<string, string>,
  toolChoices?: Record<string, string[]>,
): FillMeta | undefined {
  const f: Record<string, string> = {};
  // Empty fields need not travel: an absent field reads as empty.
  for (const [k, v] of Object.entries(fields)) if (v !== '') f[k] = v;
  const hasTools = toolChoices !== undefined && Object.values(toolChoices).some((ids) => ids.length > 0);
  let meta: FillMeta = { v: parent.id, h: parent.hash, k: kind, m: parent.private_metadata, f, ...(hasTools ? { t: toolChoices } : {}) };
  const fits = () => encodeFillMeta(meta).length <= METADATA_MAX;
  for (const field of DROPPED_FIRST) {
    if (fits()) return meta;
    const { [field]: _dropped, ...rest } = meta.f;
    meta = { ...meta, f: rest };
  }
  if (!fits() && meta.t !== undefined) {
    const { t: _tools, ...rest } = meta;
    meta = rest;
  }
  while (!fits()) {
    const longest = Object.entries(meta.f).sort((a, b) => b[1].length - a[1].length)[0];
    if (longest === undefined) return undefined;
    const { [longest[0]]: _dropped, ...rest } = meta.f;
    meta = { ...meta, f: rest };
  }
  return meta;
}

/** The pushed modal: what to give, where; Back returns to the form unchanged. */
export function renderFillModal(meta: FillMeta): ModalView {
  const where = meta.k === 'import' ? 'the import form' : 'the node-groups form';
  const only = meta.k === 'nodegroups' ? ' Pools the chosen cluster already has as node groups are left out.' : '';
  return {
    type: 'modal',
    callback_id: CALLBACK.fillFromNodes,
    title: plain('Fill from my nodes', SLACK_LIMITS.modalTitle),
    submit: plain('Fill the form', SLACK_LIMITS.modalButton),
    close: plain('Back', SLACK_LIMITS.modalButton),
    private_metadata: encodeFillMeta(meta),
    blocks: [
      section(
        `Give me what \`kubectl\` prints about your nodes and I’ll propose the node groups of ${where}: its node groups are replaced, the other fields stay as you typed them.${only} Nothing is sent to Simplismart until you submit the form; the file is read once and not kept.`,
      ),
      textInput({
        blockId: FILL_BLOCK.text,
        actionId: INPUT_ACTION,
        label: 'Paste kubectl output',
        optional: true,
        multiline: true,
        maxLength: FILL_TEXT_MAX,
        placeholder: 'kubectl get nodes --show-labels',
        hint: 'A few nodes of `kubectl get nodes --show-labels`, or one node of `kubectl get node NAME -o json`. For a whole cluster, attach a file below.',
      }),
      input({
        blockId: FILL_BLOCK.files,
        label: 'Or attach a file',
        optional: true,
        hint: `kubectl get nodes -o json > nodes.json (or -o yaml), and optionally your cloud’s node-pool listing (eksctl get nodegroup -o json, gcloud container node-pools list --format=json, az aks nodepool list -o json, Karpenter NodePools). Up to ${FILL_MAX_FILES} files of ${megabytes(FILL_FILE_MAX_BYTES)} each.`,
        element: { type: 'file_input', action_id: INPUT_ACTION, filetypes: [...FILL_FILE_TYPES], max_files: FILL_MAX_FILES },
      }),
    ],
  };
}

export function megabytes(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}

/** What the modal was given: the pasted text and the attached files' ids (and names, as Slack sent them). */
export function readFillInputs(state: ModalState): { text: string; files: Array<{ id: string; name: string }> } {
  return { text: state.text(FILL_BLOCK.text), files: state.files(FILL_BLOCK.files) };
}

/** Where the groups came from, one plain line (no markup: the views escape it) kept with the request. */
export function provenanceLine(proposal: NodeProposal, fileNames: readonly string[], pasted: boolean): string {
  const n = proposal.nodes.read;
  const formats = [...new Set(proposal.inputs.map((i) => i.format))].join(', ');
  const sources = [...fileNames.map((name) => `the file ${clip(name.replace(/[\r\n\t]/g, ' '), 80)}`), ...(pasted ? ['a paste'] : [])].join(' and ');
  const what = n > 0 ? `${n} node${n === 1 ? '' : 's'}` : `${proposal.inputs.reduce((s, i) => s + i.pools, 0)} node-pool listing entries`;
  return clip(`Node groups proposed from ${what} of ${sources} (${formats}) with “Fill from my nodes”.`, PROVENANCE_MAX);
}

/**
 * The notes on top of the filled form (one context block, at most 5 lines): where the groups came from,
 * what the nodes say of the cluster, what did not fit, and that min and max are guesses when they are.
 */
export function fillNotes(proposal: NodeProposal, provenance: string, shown: number, cluster: { filled: readonly string[]; disagree: readonly string[] } = { filled: [], disagree: [] }): string[] {
  const total = proposal.groups.length;
  const n = proposal.nodes;
  const out = [n.controlPlane > 0 ? `${n.controlPlane} control-plane` : '', n.notReady > 0 ? `${n.notReady} NotReady` : '', n.cordoned > 0 ? `${n.cordoned} cordoned` : '']
    .filter((s) => s !== '')
    .join(', ');
  const where = [proposal.cluster.provider, proposal.cluster.region, proposal.cluster.name].filter((s): s is string => s !== undefined).map((s) => code(clip(s, 100)));
  const notes = [
    `:mag: ${escapeMrkdwn(provenance)} ${shown} node group${shown === 1 ? '' : 's'} filled in below${out === '' ? '' : ` (left out: ${out})`}. Check them, then submit the form as usual.`,
  ];
  if (cluster.disagree.length > 0) notes.push(`:warning: The nodes say ${cluster.disagree.map((d) => escapedWithin(d, 150)).join(', ')}: check the form.`);
  else if (cluster.filled.length > 0) notes.push(`Filled from the nodes where the form was empty: ${cluster.filled.map((f) => escapedWithin(f, 150)).join(', ')}. What you typed is kept.`);
  else if (where.length > 0) notes.push(`The nodes say: ${where.join(' · ')} — the cluster’s fields are as you typed them.`);
  if (total > shown) notes.push(`${total - shown} more node group${total - shown === 1 ? '' : 's'} did not fit in one form: add ${total - shown === 1 ? 'it' : 'them'} afterwards with \`/simplismart nodegroups\` and “Fill from my nodes” again.`);
  if (proposal.groups.slice(0, shown).some((g) => g.bounds === 'guess')) notes.push('Min and max are not on nodes: they start as each pool is now — a guess, set them as you want them.');
  return notes;
}

/**
 * The findings as blocks for the top of the form, within `room` blocks: each finding's sentence and its
 * commands (the domain's words, escaped), then a line counting those that did not fit.
 */
export function fillFindingBlocks(proposal: NodeProposal, room: number): KnownBlock[] {
  if (room <= 0) return [];
  const blocks: KnownBlock[] = [];
  let shown = 0;
  for (const finding of proposal.findings) {
    const next = findingBlocks(finding);
    if (blocks.length + next.length > room - 1) break;
    blocks.push(...next);
    shown += 1;
  }
  const hidden = proposal.findings.length - shown;
  if (hidden > 0) blocks.push(context(`_${hidden} more finding${hidden === 1 ? '' : 's'} did not fit here: \`/simplismart nodes\` with the same paste shows them all._`));
  return blocks;
}

/** The note on top of a form that was not filled: why (the domain's sentence, escaped), and that nothing changed. */
export function fillRefusalNote(what: string, refusal: Pick<NodeInputRefusal, 'message'>): string {
  return clipMrkdwn(`:no_entry: *I couldn’t fill the form from ${escapedWithin(what, 100)}:* ${escapeMrkdwn(refusal.message)} The form is as you left it; “Fill from my nodes” again with another input.`, 600);
}
