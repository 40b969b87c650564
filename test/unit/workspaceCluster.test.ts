// A workspace's clusters as their requests tell them: a successful import and the changes made to it
// since; the names a new node group cannot take (and why); the thread changes are told in; finding one.
import type { ImportRequest } from '../../src/domain/importRequest.js';
import { clusterOf, clusterThreadOf, knownNodeGroups, matchClusters, type WorkspaceCluster } from '../../src/domain/workspaceCluster.js';
import { aBody, aRequest, CHANNEL, ORG } from '../support/fixtures.js';

const UUID = '1e99a854-26de-4c19-b6b6-68c7e03c39c3';
const THREAD = { channel: CHANNEL, ts: '1700000000.000100' };

const imported = (overrides: Partial<ImportRequest> = {}, name = 'Production Cluster'): ImportRequest =>
  aRequest(
    {
      id: 'ir-imported',
      state: 'succeeded',
      thread: THREAD,
      outcome: { kind: 'imported', cluster: { uuid: UUID, name, status: 'active', provider: 'aws', region: 'us-west-2' } },
      ...overrides,
    },
    aBody({ name }),
  );

let n = 0;
const change = (state: ImportRequest['state'], names: string[], cluster = UUID, auxiliary = false): ImportRequest => ({
  ...aRequest({ id: `ir-change${(n += 1)}`, kind: 'add_node_groups', state, cluster: { id: cluster, name: null, thread: null }, createdAt: 1000 + n }),
  payload: JSON.stringify({ org: ORG, nodegroup_labels: names.map((name) => ({ name, is_auxilliary: auxiliary })) }),
});

describe('clusterOf', () => {
  it('is the import’s cluster, with the groups of its successful changes added, and every change of it, oldest first', () => {
    const added = change('succeeded', ['gpu-h100']);
    const failed = change('failed', ['cpu']);
    const elsewhere = change('succeeded', ['x'], '0f0e0d0c-0b0a-4909-8807-060504030201');
    const cluster = clusterOf(imported(), [failed, elsewhere, added])!;
    expect(cluster).toMatchObject({ uuid: UUID, name: 'Production Cluster', slug: 'prod-cluster', provider: 'aws', region: 'us-west-2' });
    expect(cluster.nodeGroups.map((g) => [g.group.name, g.addedBy?.id ?? null])).toEqual([
      ['gpu-pool', null],
      ['gpu-h100', added.id],
    ]);
    expect(cluster.changes.map((r) => r.id)).toEqual([added.id, failed.id]);
  });

  it('is nothing for a request that did not import a cluster', () => {
    expect(clusterOf(imported({ state: 'failed' }), [])).toBeUndefined();
    expect(clusterOf(change('succeeded', ['a']), [])).toBeUndefined();
  });
});

describe('knownNodeGroups', () => {
  it('names the cluster’s groups and those still being added, each with why; the auxiliary one', () => {
    const cluster = clusterOf(imported(), [change('succeeded', ['tools'], UUID, true)])!;
    const waiting = change('pending_approval', ['gpu-b']);
    const unknown = change('outcome_unknown', ['gpu-c']);
    const gone = change('rejected', ['gpu-d']);
    const known = knownNodeGroups(cluster, [...cluster.changes, waiting, unknown, gone]);
    expect(Object.fromEntries(known.names)).toEqual({
      'gpu-pool': 'is already a node group of Production Cluster',
      tools: 'is already a node group of Production Cluster',
      'gpu-b': `is already being added in request ${waiting.id} (waiting for approval)`,
      'gpu-c': `may already be in the cluster: request ${unknown.id}’s outcome is unknown (check the Simplismart console)`,
    });
    expect(known.auxiliary).toBe('tools');
  });

  it('for a cluster imported elsewhere, what this workspace added to it', () => {
    const added = change('succeeded', ['gpu-a']);
    expect(Object.fromEntries(knownNodeGroups(undefined, [added]).names)).toEqual({ 'gpu-a': `was already added to this cluster (request ${added.id})` });
  });
});

describe('clusterThreadOf', () => {
  it('is the import’s thread in its channel; not a DM the bot fell back to, not a reply in another thread', () => {
    const of = (request: ImportRequest) => clusterThreadOf(clusterOf(request, [])!);
    expect(of(imported())).toEqual(THREAD);
    expect(of(imported({ thread: { channel: 'D0ALICE', ts: '1.2' } }))).toBeNull();
    expect(of(imported({ thread: null }))).toBeNull();
    expect(of(imported({ thread: { ...THREAD, root: '1.0' } }))).toBeNull();
  });
});

describe('matchClusters', () => {
  it('by UUID, else by name, else by slug, case aside; all of those a name shares', () => {
    const a = clusterOf(imported({ id: 'ir-a' }, 'Prod'), [])!;
    const b = clusterOf(imported({ id: 'ir-b', outcome: { kind: 'imported', cluster: { uuid: 'U-2', name: 'Prod', status: null, provider: 'gcp', region: null } } }, 'Prod'), [])!;
    const clusters: WorkspaceCluster[] = [a, b];
    expect(matchClusters(clusters, UUID.toUpperCase())).toEqual([a]);
    expect(matchClusters(clusters, ' prod ')).toEqual([a, b]);
    expect(matchClusters(clusters, 'PROD-CLUSTER')).toEqual([a, b]);
    expect(matchClusters(clusters, '')).toEqual([]);
    expect(matchClusters(clusters, 'other')).toEqual([]);
  });

  it('a typed UUID means that UUID: a cluster named (or slugged) like another cluster’s UUID is never what it finds', () => {
    const elsewhere = '0f0e0d0c-0b0a-4909-8807-060504030201';
    const decoy = clusterOf(imported({ id: 'ir-decoy' }, elsewhere), [])!;
    const slugged = clusterOf(aRequest({ id: 'ir-slug', state: 'succeeded', outcome: { kind: 'imported', cluster: { uuid: 'U-3', name: 'Slugged', status: null, provider: 'aws', region: 'us-west-2' } } }, aBody({ name: 'Slugged', slug: elsewhere })), [])!;
    expect(decoy.name).toBe(elsewhere);
    expect(slugged.slug).toBe(elsewhere);
    for (const query of [elsewhere, elsewhere.toUpperCase(), ` ${elsewhere} `]) expect(matchClusters([decoy, slugged], query)).toEqual([]);
    // Its own UUID still finds it.
    expect(matchClusters([decoy, slugged], UUID)).toEqual([decoy]);
  });
});
