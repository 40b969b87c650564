// Store.getSnapshot on both engines: one call gives a request with its votes and the decision on it —
// the entry that ended its wait for approval, not a later step and not a vote — as both the thread's
// parent and the approval card are rendered from it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApprovalRequirement, RequestState } from '../../src/domain/importRequest.js';
import { openStore } from '../../src/store/openStore.js';
import type { NewImportRequest, Store } from '../../src/store/store.js';
import { createTestDatabase } from '../support/postgres.js';

const T0 = 1_900_000_000_000;
const APPROVAL: ApprovalRequirement = { approvalsNeeded: 2, approverUserIds: ['U_A', 'U_B'], approverGroupIds: [], approvalsChannelId: null };

const engines: Array<[string, () => Promise<{ url: string; cleanup(): Promise<void> }>]> = [
  [
    'sqlite',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ss-snapshot-'));
      return { url: `sqlite:${join(dir, 'snapshot.db')}`, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  ],
  [
    'postgres',
    async () => {
      const db = await createTestDatabase();
      return { url: db.url, cleanup: () => db.drop() };
    },
  ],
];

describe.each(engines)('Store.getSnapshot (%s)', (engine, prepare) => {
  let store: Store;
  let target: { cleanup(): Promise<void> } | undefined;
  let seq = 0;

  beforeAll(async () => {
    const prepared = await prepare();
    target = prepared;
    store = await openStore(prepared.url);
    await store.migrate();
  });
  afterAll(async () => {
    await store?.close();
    await target?.cleanup();
  });

  async function create(overrides: Partial<NewImportRequest> = {}) {
    seq += 1;
    const { request } = await store.createRequest({
      id: `ir-snap-${engine}-${seq}`,
      kind: 'import_cluster',
      cluster: null,
      teamId: 'T1',
      requesterId: 'U_REQ',
      channelId: 'C1',
      sourceKey: `view-${seq}`,
      payload: '{}',
      state: 'pending_approval',
      approval: APPROVAL,
      expiresAt: T0 + 3_600_000,
      responseUrl: null,
      replacesId: null,
      at: T0,
      note: 'submitted for approval',
      ...overrides,
    });
    return request;
  }

  const move = (id: string, from: RequestState, to: RequestState, actorId: string | null, at: number, note: string | null = null) =>
    store.transition({ id, from: [from], to, actorId, at, note });

  test('an unknown request has no snapshot', async () => {
    expect(await store.getSnapshot('ir-nothere')).toBeUndefined();
  });

  test('a request that never needed approval: no votes, no decision', async () => {
    const request = await create({ state: 'approved', approval: null, expiresAt: null });
    expect(await store.getSnapshot(request.id)).toEqual({ request, approvals: [], decision: undefined });
  });

  test('a pending request: the votes so far, in order; no decision yet', async () => {
    const request = await create();
    await store.recordApproval({ id: request.id, approverId: 'U_B', at: T0 + 2 });
    await store.recordApproval({ id: request.id, approverId: 'U_A', at: T0 + 1 });
    const snapshot = await store.getSnapshot(request.id);
    expect(snapshot?.request).toMatchObject({ id: request.id, state: 'pending_approval', version: 3 });
    expect(snapshot?.approvals).toEqual([
      { requestId: request.id, approverId: 'U_A', at: T0 + 1 },
      { requestId: request.id, approverId: 'U_B', at: T0 + 2 },
    ]);
    expect(snapshot?.decision).toBeUndefined();
  });

  test('rejected after a vote: the rejection is the decision, not the vote', async () => {
    const request = await create();
    await store.recordApproval({ id: request.id, approverId: 'U_A', at: T0 + 1, note: 'approved' });
    await move(request.id, 'pending_approval', 'rejected', 'U_B', T0 + 2, 'Use SPOT');
    const snapshot = await store.getSnapshot(request.id);
    expect(snapshot?.request.state).toBe('rejected');
    expect(snapshot?.approvals.map((a) => a.approverId)).toEqual(['U_A']);
    expect(snapshot?.decision).toEqual({ requestId: request.id, seq: 3, at: T0 + 2, actorId: 'U_B', fromState: 'pending_approval', toState: 'rejected', note: 'Use SPOT' });
  });

  test('approved, then imported and failed: the decision stays the approval, not the later steps', async () => {
    const request = await create();
    await store.recordApproval({ id: request.id, approverId: 'U_A', at: T0 + 1 });
    await move(request.id, 'pending_approval', 'approved', 'U_A', T0 + 2, 'quorum reached');
    await move(request.id, 'approved', 'importing', null, T0 + 3);
    await move(request.id, 'importing', 'failed', null, T0 + 4, 'bad_request');
    const snapshot = await store.getSnapshot(request.id);
    expect(snapshot?.request.state).toBe('failed');
    expect(snapshot?.decision).toMatchObject({ fromState: 'pending_approval', toState: 'approved', actorId: 'U_A', note: 'quorum reached', at: T0 + 2 });
  });

  test('expired by the bot: a decision without an actor', async () => {
    const request = await create();
    await move(request.id, 'pending_approval', 'expired', null, T0 + 5, 'not approved in time');
    expect((await store.getSnapshot(request.id))?.decision).toMatchObject({ actorId: null, toState: 'expired', at: T0 + 5 });
  });
});
