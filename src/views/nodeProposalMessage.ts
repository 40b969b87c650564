// The reply to `/simplismart nodes <pasted kubectl output>`: the preflight alone — the node groups the
// pasted nodes make and what each would become, then the findings with their next step and their
// commands in code blocks; or, when the paste cannot be read, what is wrong and what to paste instead.
// Pure: a NodeProposal (or a NodeInputRefusal) in, a SlackMessage out. Every value that came from the
// paste (node, pool and group names, labels, machine types, the domain's sentences quoting them) is
// escaped here; a code block is never cut inside a line, and the whole message stays within
// MESSAGE_TEXT_BUDGET by itself, so slackMessage() never has to shorten (and break) a code block.
import type { KnownBlock } from '@slack/types';
import type { Finding, NodeInputRefusal, NodeProposal, ProposedNodeGroup, Severity } from '../domain/nodes/proposal.js';
import { clip, clipMrkdwn, code, escapeMrkdwn, listWithin, MESSAGE_TEXT_BUDGET, section, SLACK_LIMITS } from './blocks.js';
import { blockTextLength, message, slackMessage, type SlackMessage } from './message.js';

/** What fits in the command, said where it is asked for and where a paste could not be read. */
const WHAT_TO_PASTE =
  'Paste what `kubectl get nodes --show-labels` prints (a few nodes) or `kubectl get node NAME -o json` (one node) after `/simplismart nodes`. The command holds about 4,000 characters: for more nodes, paste the table of a few nodes of each pool.';

/** Limits each part of the reply is kept to, so that the whole stays within MESSAGE_TEXT_BUDGET. */
const ROOM = {
  intro: 700,
  groupLine: 420,
  groups: 2800,
  finding: 900,
  /** One code block section, its fences included (a section holds 3000). */
  codeBlock: 2400,
  lastingFix: 600,
  /** What the closing line ("…and N more findings") and the fallback leave. */
  closing: 200,
} as const;

const SEVERITY_EMOJI: Record<Severity, string> = { action: ':wrench:', warning: ':warning:', info: ':information_source:' };

/** `/simplismart nodes` with nothing after it: what to paste. */
export function nodesUsageMessage(): SlackMessage {
  return message(
    `:mag: \`/simplismart nodes\` reads your cluster’s nodes and shows the node groups they make for Simplismart, which nodes still need the label \`simplismart.ai/node-pool-name\`, and the \`kubectl\` commands that add it. Nothing is sent to Simplismart and only you see the answer.\n${WHAT_TO_PASTE}`,
  );
}

/** The paste could not be read: why (the domain's sentence, escaped), and what to paste instead. */
export function nodeRefusalMessage(refusal: NodeInputRefusal): SlackMessage {
  const why = clipMrkdwn(escapeMrkdwn(refusal.message), 1500);
  return slackMessage('I couldn’t propose node groups from that paste: see why, and what to paste instead.', [
    section(`:no_entry: *I couldn’t propose node groups from that paste.*\n${why}`),
    section(`*What to do:* ${WHAT_TO_PASTE}`),
  ]);
}

/** The preflight: the groups the nodes make, what each would become, the findings and their commands. */
export function nodeProposalMessage(proposal: NodeProposal): SlackMessage {
  const blocks: KnownBlock[] = [section(clipMrkdwn(introOf(proposal), ROOM.intro)), section(groupsText(proposal))];
  const findings = proposal.findings;
  let shown = 0;
  for (const finding of findings) {
    const next = findingBlocks(finding);
    const used = blockTextLength(blocks) + blockTextLength(next);
    // Room for the closing line and one block for it, always.
    if (used > MESSAGE_TEXT_BUDGET - ROOM.closing || blocks.length + next.length > SLACK_LIMITS.messageBlocks - 1) break;
    blocks.push(...next);
    shown += 1;
  }
  const hidden = findings.length - shown;
  const actions = findings.filter((f) => f.severity === 'action').length;
  blocks.push(
    section(
      `${hidden > 0 ? `_…and ${hidden} more finding${hidden === 1 ? '' : 's'} not shown._\n` : ''}_Nothing was sent to Simplismart. Import the cluster with \`/simplismart import\`, or add node groups with \`/simplismart nodegroups\`._`,
    ),
  );
  const groups = proposal.groups.length;
  const fallback = `Node groups from ${proposal.nodes.read} node${proposal.nodes.read === 1 ? '' : 's'}: ${groups} proposed, ${actions} finding${actions === 1 ? '' : 's'} to act on.`;
  return slackMessage(fallback, blocks);
}

function introOf(p: NodeProposal): string {
  const n = p.nodes;
  const out = [
    n.controlPlane > 0 ? `${n.controlPlane} control-plane` : '',
    n.notReady > 0 ? `${n.notReady} NotReady` : '',
    n.cordoned > 0 ? `${n.cordoned} cordoned` : '',
    n.invalid > 0 ? `${n.invalid} unreadable` : '',
  ].filter((s) => s !== '');
  const where = [p.cluster.provider, p.cluster.region, p.cluster.name].filter((s): s is string => s !== undefined).map((s) => code(clip(s, 100)));
  const formats = [...new Set(p.inputs.map((i) => i.format))].map((f) => code(f)).join(', ');
  return [
    `:mag: *Node groups read from your nodes* (${formats})`,
    `${n.read} node${n.read === 1 ? '' : 's'} read, ${n.eligible} can run models${out.length > 0 ? ` (left out: ${out.join(', ')})` : ''}.${where.length > 0 ? ` The nodes say: ${where.join(' · ')}.` : ''}`,
  ].join('\n');
}

function groupsText(p: NodeProposal): string {
  const lines = [
    ...p.groups.map((g) => clipMrkdwn(groupLine(g), ROOM.groupLine)),
    ...p.registered.map((r) =>
      clipMrkdwn(
        `• ${code(clip(r.name, 63))} — already a node group of the cluster: ${r.nodes} node${r.nodes === 1 ? '' : 's'}${r.missingLabel > 0 ? `, ${r.missingLabel} without the label` : ''}`,
        ROOM.groupLine,
      ),
    ),
  ];
  const title = `*${p.groups.length} node group${p.groups.length === 1 ? '' : 's'} proposed*`;
  return `${title}\n${listWithin(lines, ROOM.groups - title.length - 1, { separator: '\n', more: (hidden) => `\n_…and ${hidden} more not shown._` })}`;
}

const BASIS: Record<ProposedNodeGroup['basis'], string> = {
  simplismart_label: 'their Simplismart label',
  platform_pool: 'pool',
  alike_nodes: 'alike nodes',
  listing: 'node-pool listing',
};

/** `• `gpu-a10g` — g5.2xlarge · ON_DEMAND · 1 × nvidia-a10g · 8 vCPU · 32 GB · 2 nodes (1 labelled) · min–max 1–3 (a guess)` */
function groupLine(g: ProposedNodeGroup): string {
  const c = g.nodeGroup.node_config ?? {};
  const value = (v: string | number | undefined, max = 60) => (v === undefined ? undefined : code(clip(String(v), max)));
  const parts = [
    value(c.machine_type, 100),
    value(c.capacity_type),
    c.accelerator_type === undefined ? 'no GPU' : `${c.accelerator_count ?? '?'} × ${value(c.accelerator_type) ?? ''}`,
    c.vcpu === undefined ? undefined : `${c.vcpu} vCPU`,
    c.memory === undefined ? undefined : `${c.memory} GB`,
    `${g.nodes.length} node${g.nodes.length === 1 ? '' : 's'} (${g.labelled === g.nodes.length ? 'all labelled' : `${g.labelled} labelled`})`,
    `min–max ${c.min_node_count ?? '?'}–${c.max_node_count ?? '?'}${g.bounds === 'guess' ? ' (a guess: set them in the form)' : ''}`,
  ].filter((s): s is string => s !== undefined);
  const from =
    g.basis === 'platform_pool' && g.platformPool !== undefined
      ? `${BASIS.platform_pool} ${code(clip(`${g.platformPool.key}=${g.platformPool.value}`, 160))}`
      : BASIS[g.basis];
  const missing = g.missing.length > 0 ? ` · _to fill in: ${g.missing.map((f) => f.replace(/_/g, ' ')).join(', ')}_` : '';
  return `• ${code(clip(g.nodeGroup.name, 63))}${g.nodeGroup.is_auxilliary ? ' (auxiliary)' : ''} — ${parts.join(' · ')} · from ${from}${missing}`;
}

/** A finding: its sentence and next step, then its commands and its lasting fix in code blocks (also on top of a filled form). */
export function findingBlocks(f: Finding): KnownBlock[] {
  const about = f.group === undefined ? '' : `${code(clip(f.group, 63))}: `;
  const nodes =
    f.nodes !== undefined && f.nodes.length > 0
      ? `\nNodes: ${listWithin(
          f.nodes.map((n) => code(clip(n, 80))),
          300,
        )}${f.moreNodes !== undefined && f.moreNodes > 0 ? ` and ${f.moreNodes} more` : ''}`
      : '';
  const text = `${SEVERITY_EMOJI[f.severity]} ${about}${escapeMrkdwn(f.message)}\n_${escapeMrkdwn(f.nextStep)}_${nodes}`;
  const blocks: KnownBlock[] = [section(clipMrkdwn(text, ROOM.finding))];
  if (f.commands !== undefined && f.commands.length > 0) blocks.push(section(codeBlock(f.commands, ROOM.codeBlock)));
  if (f.lastingFix !== undefined) {
    const fix = clipMrkdwn(`To make it last: ${escapeMrkdwn(f.lastingFix.text)}`, ROOM.lastingFix);
    blocks.push(section(f.lastingFix.command === undefined ? fix : `${fix}\n${codeBlock([f.lastingFix.command], ROOM.codeBlock - ROOM.lastingFix)}`));
  }
  return blocks;
}

/**
 * Commands in a ``` block within `max` characters: escaped for mrkdwn (`<cluster>` stays a placeholder,
 * not a link), backticks replaced so nothing closes the block early, and cut between whole lines, the
 * rest counted after the block — a command is run as it is, so half of one is never shown.
 */
export function codeBlock(commands: readonly string[], max: number): string {
  const lines = commands.map((c) => escapeMrkdwn(c.replace(/\r?\n/g, ' ')).replace(/`/g, 'ˋ'));
  const fence = '```';
  const moreRoom = 40;
  const shown: string[] = [];
  let used = fence.length * 2 + 2;
  for (const line of lines) {
    if (used + line.length + 1 > max - moreRoom) break;
    shown.push(line);
    used += line.length + 1;
  }
  const hidden = lines.length - shown.length;
  const more = hidden === 0 ? '' : `\n_… ${hidden} more command${hidden === 1 ? '' : 's'} not shown (too long for one Slack message)._`;
  if (shown.length === 0) return more.trim();
  return `${fence}\n${shown.join('\n')}\n${fence}${more}`;
}
