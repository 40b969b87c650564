// The reply to `/simplismart nodes`: the proposal, findings and commands of real pastes, every value
// from the paste escaped (mentions, markup, 200-character values), the commands' code blocks whole and
// never broken, and the message within Slack's limits and the bot's budget however large the proposal.
import { proposeNodeGroups, type Finding, type NodeProposal, type ProposedNodeGroup } from '../../src/domain/nodes/proposal.js';
import { MESSAGE_TEXT_BUDGET } from '../../src/views/blocks.js';
import { blockTextLength } from '../../src/views/message.js';
import { codeBlock, nodeProposalMessage, nodeRefusalMessage, nodesUsageMessage } from '../../src/views/nodeProposalMessage.js';
import { expectNoInjectedMention, expectPlainFallback, expectWholeEntities, expectWithinSlackLimits, HOSTILE_NAME, textsOf } from '../support/slackMessageLimits.js';
import { aNode, dump, eksNode, fixture } from './nodes/builders.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- blocks are read as free-form JSON. */
const texts = (m: { blocks: unknown[] }) => textsOf(m.blocks as any[]).map((t) => t.text);
const allText = (m: { text: string; blocks: unknown[] }) => [m.text, ...texts(m)].join('\n');

function proposed(inputs: string[]): NodeProposal {
  const p = proposeNodeGroups(inputs);
  if (!p.ok) throw new Error(`refused: ${p.code} ${p.message}`);
  return p;
}

/** Every ``` block of a message's texts, as its lines. */
function codeBlocks(m: { blocks: unknown[] }): string[][] {
  const blocks: string[][] = [];
  for (const text of texts(m)) {
    const fences = text.split('```');
    // An odd number of fences would leave a block open.
    expect(fences.length % 2).toBe(1);
    for (let i = 1; i < fences.length; i += 2) blocks.push(fences[i]!.split('\n').filter((l) => l !== ''));
  }
  return blocks;
}

describe('an EKS paste', () => {
  const p = proposed([fixture('eks-show-labels.txt')]);
  const m = nodeProposalMessage(p);

  test('names every pool, what it would become, and the findings', () => {
    expectWithinSlackLimits(m);
    expectPlainFallback(m);
    const text = allText(m);
    for (const group of p.groups) expect(text).toContain(`\`${group.nodeGroup.name}\``);
    expect(text).toContain('`g5.2xlarge`');
    expect(text).toContain('`nvidia-a10g`');
    expect(text).toContain('`SPOT`');
    expect(text).toContain('6 nodes read');
    expect(text).toContain('Nothing was sent to Simplismart');
    expect(m.text).toMatch(/^Node groups from 6 nodes: \d+ proposed, \d+ findings? to act on\.$/);
  });

  test('the label commands are in code blocks, whole, as the domain wrote them (escaped)', () => {
    const commands = p.findings.flatMap((f) => f.commands ?? []);
    expect(commands.length).toBeGreaterThan(0);
    const lines = codeBlocks(m).flat();
    for (const command of commands) expect(lines).toContain(command.replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    expect(lines.some((l) => l.startsWith("kubectl label nodes -l 'eks.amazonaws.com/nodegroup=system,!simplismart.ai/node-pool-name'"))).toBe(true);
  });
});

describe('other platforms’ dumps', () => {
  test.each(['eks-managed.json', 'gke.json', 'aks.json', 'karpenter.json', 'kubeadm-gfd.json', 'kubeadm-show-labels.txt', 'oke.yaml'])('%s: within limits, code blocks closed', (file) => {
    const m = nodeProposalMessage(proposed([fixture(file)]));
    expectWithinSlackLimits(m);
    expectPlainFallback(m);
    expect(codeBlocks(m).length).toBeGreaterThan(0);
    for (const t of texts(m)) expectWholeEntities(t);
  });
});

describe('hostile pastes', () => {
  test('labels holding mentions, markup and 200-character values are never live', () => {
    const long = 'v'.repeat(200);
    const nodes = [
      eksNode('ip-10-0-1-1.ec2.internal', 'gpu', 'g5.xlarge', { labels: { '<!channel>': 'x', '*bold*': '<@U123>', 'example.com/long': long, [`example.com/${'k'.repeat(200)}`]: 'y' } }),
      eksNode('ip-10-0-1-2.ec2.internal', 'gpu', 'g5.xlarge', { labels: { 'example.com/note': HOSTILE_NAME } }),
    ];
    const m = nodeProposalMessage(proposed([dump(nodes)]));
    expectWithinSlackLimits(m);
    expectNoInjectedMention(m);
    for (const t of [m.text, ...texts(m)]) expectWholeEntities(t);
    // A key like `*bold*` is only ever shown escaped, never as markup.
    expect(allText(m)).not.toMatch(/(^|[^`\w])\*bold\*/);
  });

  test('a proposal holding hostile values everywhere: escaped, code blocks intact', () => {
    const hostile = `${HOSTILE_NAME} *bold* \`tick\` ${'x'.repeat(200)}`;
    const group: ProposedNodeGroup = {
      nodeGroup: { name: hostile, is_auxilliary: false, node_config: { machine_type: hostile, capacity_type: 'SPOT', accelerator_type: hostile, accelerator_count: 1 } as any },
      basis: 'platform_pool',
      platform: 'eks',
      platformPool: { platform: 'eks', key: hostile, value: hostile, kind: 'label' },
      nodes: [hostile],
      labelled: 0,
      notes: [hostile],
      missing: [],
      bounds: 'guess',
      listing: undefined,
    };
    const finding: Finding = {
      code: 'label_missing',
      severity: 'action',
      group: hostile,
      message: hostile,
      nextStep: hostile,
      commands: [`kubectl label nodes ${hostile} a=b`, '```', 'kubectl label nodes <node> x=y'],
      lastingFix: { text: hostile, command: `aws eks update-nodegroup-config --cluster-name <cluster> ${hostile}` },
      nodes: [hostile, hostile],
      moreNodes: 3,
    };
    const p: NodeProposal = {
      ok: true,
      groups: [group],
      registered: [{ name: hostile, nodes: 2, missingLabel: 1 }],
      findings: [finding],
      nodes: { read: 1, eligible: 1, controlPlane: 0, notReady: 0, cordoned: 0, invalid: 0 },
      cluster: { provider: 'aws', region: hostile, name: hostile },
      inputs: [{ format: 'kubectl-json', nodes: 1, pools: 0 }],
    };
    const m = nodeProposalMessage(p);
    expectWithinSlackLimits(m);
    expectNoInjectedMention(m);
    for (const t of [m.text, ...texts(m)]) expectWholeEntities(t);
    const blocks = codeBlocks(m);
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toEqual([
      `kubectl label nodes ${hostile.replace('<!channel> & <@U123>', '&lt;!channel&gt; &amp; &lt;@U123&gt;').replace(/`/g, 'ˋ')} a=b`,
      'ˋˋˋ',
      'kubectl label nodes &lt;node&gt; x=y',
    ]);
    expect(blocks[1]![0]).toContain('--cluster-name &lt;cluster&gt;');
  });
});

describe('budgets', () => {
  test('a thousand nodes, many pools and findings: within the budget, the rest counted', () => {
    const nodes = Array.from({ length: 1000 }, (_, i) =>
      aNode({ name: `node-${String(i).padStart(4, '0')}-${'n'.repeat(40)}`, labels: { 'cloud.google.com/gke-nodepool': `pool-${i % 60}`, 'node.kubernetes.io/instance-type': `n2-standard-${(i % 60) + 1}` } }),
    );
    const p = proposed([dump(nodes)]);
    const m = nodeProposalMessage(p);
    expectWithinSlackLimits(m);
    expect(blockTextLength(m.blocks)).toBeLessThanOrEqual(MESSAGE_TEXT_BUDGET);
    expect(m.blocks.length).toBeLessThanOrEqual(50);
    expect(allText(m)).toMatch(/more (not shown|findings? not shown)/);
    for (const t of texts(m)) expectWholeEntities(t);
    codeBlocks(m);
  });

  test('a code block is cut between whole lines, the rest counted', () => {
    const commands = Array.from({ length: 100 }, (_, i) => `kubectl label nodes --overwrite node-${i}-${'a'.repeat(50)} simplismart.ai/node-pool-name=g`);
    const block = codeBlock(commands, 2000);
    expect(block.length).toBeLessThanOrEqual(2000);
    const [, inside, after] = block.split('```');
    const lines = inside!.split('\n').filter((l) => l !== '');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(commands).toContain(line);
    expect(after).toContain(`… ${100 - lines.length} more commands not shown`);
  });

  test('a single command longer than the block is counted, not cut', () => {
    expect(codeBlock(['x'.repeat(5000)], 2000)).toBe('_… 1 more command not shown (too long for one Slack message)._');
  });
});

describe('refusals and usage', () => {
  test('a list of Pods: what is wrong and what to paste', () => {
    const refusal = proposeNodeGroups([fixture('pods.json')]);
    expect(refusal.ok).toBe(false);
    if (refusal.ok) return;
    const m = nodeRefusalMessage(refusal);
    expectWithinSlackLimits(m);
    expectPlainFallback(m);
    const text = allText(m);
    expect(text).toContain('Pods');
    expect(text).toContain('kubectl get nodes --show-labels');
    expect(text).toContain('4,000 characters');
  });

  test('a refusal quoting the paste is escaped', () => {
    const m = nodeRefusalMessage({ ok: false, code: 'unrecognised', message: `Not nodes: “${HOSTILE_NAME} *bold*”`, input: 0 });
    expectWithinSlackLimits(m);
    expectNoInjectedMention(m);
    expectPlainFallback(m);
  });

  test('no text: what to paste, and how much the command holds', () => {
    const m = nodesUsageMessage();
    expectWithinSlackLimits(m);
    expectPlainFallback(m);
    expect(allText(m)).toContain('kubectl get nodes --show-labels');
    expect(allText(m)).toContain('-o json');
    expect(allText(m)).toContain('about 4,000 characters');
  });
});
