// The new views within Slack's limits, with hostile and outsized input: the cluster list and one
// cluster's history, the Home section, the references (list and form), and every message of a
// node-group request (status, steps, card, outcome) in its own words.
/* eslint-disable @typescript-eslint/no-explicit-any -- Block Kit JSON is walked structurally. */
import type { ImportOutcome, ImportRequest } from '../../src/domain/importRequest.js';
import type { StoredReference } from '../../src/domain/references.js';
import { clusterOf, type WorkspaceCluster } from '../../src/domain/workspaceCluster.js';
import { approvalCard, payloadModal } from '../../src/views/approvalCard.js';
import { ambiguousClustersMessage, clusterMessage, clustersMessage, noClusterMessage } from '../../src/views/clusterReplies.js';
import { clustersHomeSection, HOME_CLUSTERS_SHOWN } from '../../src/views/clustersHome.js';
import { describeOutcome } from '../../src/views/importOutcome.js';
import { outcomeMessage, parentMessage, submittedLine, submittedModal } from '../../src/views/importMessages.js';
import { slackMessage } from '../../src/views/message.js';
import { referencesMessage, referencesModal } from '../../src/views/referencesModal.js';
import { rejectModal } from '../../src/views/rejectModal.js';
import { blockProblems, viewProblems } from '../support/blockKitRules.js';
import { aBody, aNodeGroupsRequest, aRequest, ALICE, CHANNEL } from '../support/fixtures.js';
import { expectNoInjectedMention, expectPlainFallback, expectWholeEntities, expectWithinSlackLimits, HOSTILE_NAME, textsOf } from '../support/slackMessageLimits.js';

const uuidAt = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const LONG = `${HOSTILE_NAME} ${'&'.repeat(60)}`;
const allText = (m: { text: string; blocks: unknown[] }) => `${m.text}\n${JSON.stringify(m.blocks)}`;

/** A node-group request of `names` on cluster `clusterName` (null: imported elsewhere). */
function change(names: string[], overrides: Partial<ImportRequest> = {}, clusterName: string | null = 'Prod'): ImportRequest {
  return aNodeGroupsRequest(names, { id: 'ir-change01', cluster: { id: uuidAt(1), name: clusterName, thread: null }, ...overrides });
}

function cluster(i: number, name: string, changes: ImportRequest[] = [], groups = 1): WorkspaceCluster {
  const body = aBody({ name, nodegroup_labels: Array.from({ length: groups }, (_, g) => ({ name: `${'g'.repeat(60)}${g}`, is_auxilliary: false })) });
  const imported = aRequest(
    { id: `ir-imp${i}`, state: 'succeeded', threadPermalink: `https://example.slack.com/archives/C1/p${i}?thread_ts=${'1'.repeat(200)}`, outcome: { kind: 'imported', cluster: { uuid: uuidAt(1), name, status: 'active', provider: 'aws', region: 'us-west-2' } } },
    body,
  );
  return clusterOf(imported, changes)!;
}

describe('the cluster list and one cluster', () => {
  it('lists clusters with their buttons; hundreds of hostile names stay within the limits and say what they left out', () => {
    const many = Array.from({ length: 200 }, (_, i) => cluster(i, `${LONG} ${i}`, [], 10));
    const message = clustersMessage(many);
    expectWithinSlackLimits(message);
    expectNoInjectedMention(message);
    for (const t of textsOf(message.blocks as any[])) expectWholeEntities(t.text);
    expect(allText(message)).toMatch(/…and \d+ more not shown\./);
    expect(message.blocks.length).toBeLessThanOrEqual(50);
  });

  it('one cluster with 50 node groups and 300 changes: within the limits, its newest history counted', () => {
    const changes = Array.from({ length: 300 }, (_, i) => change([`${'x'.repeat(60)}${i}`, `y${i}`], { id: `ir-ch${String(i).padStart(6, '0')}`, state: i % 2 === 0 ? 'succeeded' : 'failed', createdAt: 1000 + i, threadPermalink: `https://x/${'t'.repeat(300)}` }));
    const message = clusterMessage(cluster(1, LONG, changes, 50));
    expectWithinSlackLimits(message);
    expectNoInjectedMention(message);
    for (const t of textsOf(message.blocks as any[])) expectWholeEntities(t.text);
    expect(allText(message)).toMatch(/more not shown/);
    expect(allText(message)).toContain('request_import_similar');
  });

  it('names several clusters sharing a name, and says when none has it', () => {
    const message = ambiguousClustersMessage(LONG, Array.from({ length: 100 }, (_, i) => cluster(i, LONG)));
    expectWithinSlackLimits(message);
    expectNoInjectedMention(message);
    expectWithinSlackLimits(noClusterMessage(LONG));
    expectNoInjectedMention(noClusterMessage(LONG));
    expectWithinSlackLimits(clustersMessage([]));
  });
});

describe('the Home section', () => {
  it('is a header, a few clusters and how to see the rest: short, and valid blocks', () => {
    const blocks = clustersHomeSection(Array.from({ length: 40 }, (_, i) => cluster(i, `${LONG} ${i}`, [], 3)));
    expect(blocks).toHaveLength(3);
    expect(blockProblems(blocks)).toEqual([]);
    const text = JSON.stringify(blocks);
    expect(text).toContain(`…and ${40 - HOME_CLUSTERS_SHOWN} more`);
    expect(text).toContain('/simplismart clusters');
    expectNoInjectedMention(slackMessage('Clusters', blocks));
    expect(blockProblems(clustersHomeSection([]))).toEqual([]);
  });
});

describe('references', () => {
  const refs: StoredReference[] = Array.from({ length: 400 }, (_, i) => ({
    kind: i < 99 ? 'hosted_zone' : i < 198 ? 'secret' : 'tool',
    category: i < 198 ? '' : `CAT ${i % 6}`,
    name: `${LONG}`.slice(0, 55) + i,
    uuid: uuidAt(i),
    updatedBy: 'U0ADMIN',
    updatedAt: 1_800_000_000_000,
  }));

  it('the list anyone reads stays within the limits and counts what it left out', () => {
    const message = referencesMessage(refs, false);
    expectWithinSlackLimits(message);
    expectNoInjectedMention(message);
    expect(allText(message)).toMatch(/more not shown/);
    expect(referencesMessage([], true).text).toMatch(/No hosted zones, secrets or tool catalogs are named/);
  });

  it('the admins’ form is a valid modal, even filled to its limits', () => {
    expect(viewProblems(referencesModal(refs))).toEqual([]);
    expect(viewProblems(referencesModal([]))).toEqual([]);
  });
});

describe('the messages of a node-group request', () => {
  const names = ['gpu-h100', 'tools'];

  it('its status message, step and submitted form speak of the node groups and the cluster', () => {
    const pending = change(names, { state: 'pending_approval', approval: { approvalsNeeded: 1, approverUserIds: ['U0BOB'], approverGroupIds: [], approvalsChannelId: null } });
    const parent = parentMessage(pending, [], undefined, undefined);
    expect(allText(parent)).toContain(`<@${ALICE}> wants to add 2 node groups (\`gpu-h100\`, \`tools\`) to *Prod*`);
    expect(parent.text).toBe('Waiting for approval: Prod (ir-change01)');
    expect(submittedLine(pending)).toContain('submitted the request to add 2 node groups');
    const modal = submittedModal(change(names, { cluster: { id: uuidAt(1), name: 'Prod', thread: { channel: CHANNEL, ts: '1.2' } } }));
    expect(JSON.stringify(modal)).toContain('cluster’s own thread');
    expect(modal.title?.text).toBe('Adding node groups');
    expect(parentMessage(change(names, { state: 'importing' }), [], undefined, undefined).text).toBe('Adding node groups: Prod (ir-change01)');
  });

  it('a cluster imported elsewhere is named by its UUID', () => {
    expect(allText(parentMessage(change(names, {}, null), [], undefined, undefined))).toContain(`to cluster \`${uuidAt(1)}\``);
  });

  it('its approval card names the cluster and its UUID, and its JSON the node-groups endpoint', () => {
    const pending = change(names, { state: 'pending_approval', approval: { approvalsNeeded: 1, approverUserIds: ['U0BOB'], approverGroupIds: [], approvalsChannelId: null } });
    const card = approvalCard(pending, [], undefined);
    expectWithinSlackLimits(card);
    const fields = (card.blocks as any[]).find((b) => b.fields !== undefined).fields.map((f: any) => f.text.split('\n')[0]);
    expect(fields).toEqual(['*Cluster*', '*Cluster UUID*', '*Requester*', '*Expires*', '*Progress*', '*Org*']);
    expect(JSON.stringify(card.blocks)).toContain('Approve this node-group change?');
    expect(card.text).toBe(`Approval needed: node groups for Prod requested by the user ${ALICE}, request ir-change01`);
    expect(JSON.stringify(payloadModal(pending))).toContain(`POST /infrastructure/node-groups/${uuidAt(1)}/import-cluster`);
    expect(viewProblems(rejectModal(pending))).toEqual([]);
  });

  const outcomes: Array<[string, ImportOutcome, RegExp]> = [
    ['200', { kind: 'node_groups_added', apiMessage: 'NodeGroup added successfully' }, /Simplismart added 2 node groups/],
    ['400', { kind: 'rejected', code: 'bad_request', status: 400, apiMessage: 'Cluster is not a kubernetes cluster', fieldErrors: [] }, /not a Kubernetes cluster \(400\)/],
    ['404', { kind: 'rejected', code: 'not_found', status: 404, apiMessage: 'Cluster does not exist', fieldErrors: [] }, /Check the cluster UUID/],
    ['409', { kind: 'rejected', code: 'conflict', status: 409, apiMessage: `NodeGroup with name '${HOSTILE_NAME}' already exists in this cluster.`, fieldErrors: [] }, /already has a node group named “&lt;!channel&gt; &amp; &lt;@U123&gt;” \(409\)/],
    ['422', { kind: 'rejected', code: 'validation_failed', status: 422, apiMessage: null, fieldErrors: [{ field: 'nodegroup_labels', messages: ['bad'] }] }, /`nodegroup_labels`: bad/],
    ['unknown', { kind: 'unknown', code: 'timeout', status: null, apiMessage: null }, /the node groups may have been added/],
  ];

  it.each(outcomes)('%s: told in its words, within the limits, a plain fallback, no injected mention', (_what, outcome, says) => {
    const state = outcome.kind === 'node_groups_added' ? 'succeeded' : outcome.kind === 'unknown' ? 'outcome_unknown' : 'failed';
    const request = change(names, { state, outcome }, HOSTILE_NAME);
    const message = outcomeMessage(request, describeOutcome(outcome, { timeoutMs: 30_000 }, 'add_node_groups'));
    expectWithinSlackLimits(message);
    expectPlainFallback(message);
    expectNoInjectedMention(message);
    expect(allText(message)).toMatch(says);
    const parent = parentMessage(request, [], undefined, describeOutcome(outcome, { timeoutMs: 30_000 }, 'add_node_groups'));
    expectWithinSlackLimits(parent);
    expectNoInjectedMention(parent);
  });
});
