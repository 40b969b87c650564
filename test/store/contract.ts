// The Store contract, written once and run against every engine (sqlite.test.ts, postgres.test.ts):
// exact row mapping, compare-and-set moves under concurrency, votes, import leases, sweeper listings,
// migrations.
import type { ApprovalPolicy } from '../../src/domain/approvalPolicy.js';
import type { Approval, ImportLease, ImportOutcome, ImportRequest, RequestEvent, RequestState } from '../../src/domain/importRequest.js';
import type { NamedReference } from '../../src/domain/references.js';
import type { WorkspaceConnection } from '../../src/domain/workspaceConnection.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { openSqlDriver, openStore } from '../../src/store/openStore.js';
import type { SqlDriver } from '../../src/store/sqlDriver.js';
import type { NewImportRequest, Store } from '../../src/store/store.js';

export interface ContractTarget {
  /** DATABASE_URL of an empty database reserved for this suite (a new one on every call of `prepare`). */
  url: string;
  cleanup(): Promise<void>;
}

/** Beyond 2^31 on purpose: BIGINT columns must come back as exact numbers. */
const T0 = 1_900_000_000_000;

const DATA_TABLES = ['step_executions', 'request_events', 'request_approvals', 'request_messages', 'import_requests', 'approval_policies', 'workspace_connections', 'workspace_references', 'store_health'];

export function describeStoreContract(engine: 'sqlite' | 'postgres', prepare: () => Promise<ContractTarget>): void {
  describe(`Store contract (${engine})`, () => {
    let target: ContractTarget | undefined;
    let store: Store;
    /** A second connection for looking under the hood and for emptying tables between tests. */
    let raw: SqlDriver;
    let seq = 0;

    beforeAll(async () => {
      target = await prepare();
      store = await openStore(target.url);
      await store.migrate();
      raw = await openSqlDriver(target.url);
    });

    afterAll(async () => {
      await store?.close();
      await raw?.close();
      await target?.cleanup();
    });

    beforeEach(async () => {
      for (const table of DATA_TABLES) await raw.run(`DELETE FROM ${table}`);
    });

    function newRequest(overrides: Partial<NewImportRequest> = {}): NewImportRequest {
      seq += 1;
      return {
        id: `ir-${engine}-${seq}`,
        kind: 'import_cluster',
        cluster: null,
        teamId: 'T1',
        enterpriseId: null,
        requesterId: 'U_REQ',
        channelId: 'C_CHAN',
        sourceKey: `view-${seq}`,
        payload: JSON.stringify({ name: `cluster-${seq}`, region: 'us-east-1' }),
        state: 'pending_approval',
        approval: { approvalsNeeded: 2, approverUserIds: ['U_A', 'U_B'], approverGroupIds: ['S_OPS'], approvalsChannelId: 'C_APPR' },
        expiresAt: T0 + 86_400_000,
        responseUrl: 'https://hooks.slack.com/commands/T1/1/abc',
        replacesId: null,
        at: T0,
        note: 'submitted',
        ...overrides,
      };
    }

    function expectedRequest(input: NewImportRequest): ImportRequest {
      return {
        id: input.id,
        kind: input.kind,
        cluster: input.cluster,
        teamId: input.teamId,
        enterpriseId: input.enterpriseId,
        requesterId: input.requesterId,
        channelId: input.channelId,
        sourceKey: input.sourceKey,
        payload: input.payload,
        state: input.state,
        version: 1,
        approval: input.approval,
        policy: input.policy ?? null,
        expiresAt: input.expiresAt,
        thread: null,
        threadPermalink: null,
        cards: [],
        outcome: null,
        responseUrl: input.responseUrl,
        replacesId: input.replacesId,
        lease: null,
        createdAt: input.at,
        updatedAt: input.at,
      };
    }

    async function create(overrides: Partial<NewImportRequest> = {}): Promise<ImportRequest> {
      const { request, created } = await store.createRequest(newRequest(overrides));
      expect(created).toBe(true);
      return request;
    }

    /** A request driven through the state machine to `state` (via approved → importing where needed). */
    async function createIn(
      state: 'pending_approval' | 'approved' | 'importing' | 'rejected' | 'failed',
      options: { at?: number; expiresAt?: number | null; lease?: ImportLease | null } = {},
    ): Promise<ImportRequest> {
      const at = options.at ?? T0;
      const startsPending = state === 'pending_approval' || state === 'rejected';
      const request = await create({
        state: startsPending ? 'pending_approval' : 'approved',
        at,
        expiresAt: options.expiresAt === undefined ? null : options.expiresAt,
      });
      if (state === 'rejected') return (await move(request.id, ['pending_approval'], 'rejected', at))!;
      if (state === 'importing' || state === 'failed') {
        const importing = await store.transition({
          id: request.id,
          from: ['approved'],
          to: 'importing',
          actorId: null,
          at,
          patch: { lease: options.lease ?? null },
        });
        if (state === 'failed') return (await move(request.id, ['importing'], 'failed', at))!;
        return importing!;
      }
      return request;
    }

    function move(id: string, from: RequestState[], to: RequestState, at = T0 + 1000): Promise<ImportRequest | undefined> {
      return store.transition({ id, from, to, actorId: 'U_ACT', at });
    }

    const ids = (requests: ImportRequest[]): string[] => requests.map((r) => r.id);

    describe('migrations and health', () => {
      test('records every migration once; migrating again changes nothing', async () => {
        const before = await raw.query<{ version: number; name: string; applied_at: number }>(
          'SELECT version, name, applied_at FROM schema_migrations ORDER BY version',
        );
        expect(before.map((row) => [row.version, row.name])).toEqual(MIGRATIONS.map((m) => [m.version, m.name]));
        expect(typeof before[0]!.applied_at).toBe('number');

        await store.migrate();
        await store.migrate();

        const after = await raw.query('SELECT version, name, applied_at FROM schema_migrations ORDER BY version');
        expect(after).toEqual(before);
      });

      test('002 carries a stored import deadline over as the lease’s expiry, without an owner', async () => {
        const old = await prepare();
        const driver = await openSqlDriver(old.url);
        try {
          // A database as version 1 left it, with a request mid-import.
          await driver.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
          await driver.transaction(async (tx) => {
            await tx.exec(MIGRATIONS[0]!.sql);
            await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (1, $1, $2)', [MIGRATIONS[0]!.name, T0]);
          });
          await driver.run(
            `INSERT INTO import_requests (id, team_id, requester_id, channel_id, source_key, payload, state, version, cards,
               import_deadline, created_at, updated_at)
             VALUES ('ir-old', 'T1', 'U1', 'C1', 'view-old', '{}', 'importing', 3, '[]', $1, $2, $2)`,
            [T0 + 90_000, T0],
          );
          const migrated = await openStore(old.url);
          try {
            await migrated.migrate();
            expect((await migrated.getRequest('ir-old'))?.lease).toStrictEqual({ owner: null, expiresAt: T0 + 90_000 });
            expect(ids(await migrated.listLapsedLeases(T0 + 89_999, 10))).toEqual([]);
            expect(ids(await migrated.listLapsedLeases(T0 + 90_000, 10))).toEqual(['ir-old']);
          } finally {
            await migrated.close();
          }
        } finally {
          await driver.close();
          await old.cleanup();
        }
      });

      test('004 makes every earlier request an import, and every saved policy ask node groups the same as imports', async () => {
        const old = await prepare();
        const driver = await openSqlDriver(old.url);
        try {
          // A database as version 2 left it, with a request and a policy.
          await driver.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
          for (const migration of MIGRATIONS.filter((m) => m.version <= 2)) {
            await driver.transaction(async (tx) => {
              await tx.exec(migration.sql);
              await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [migration.version, migration.name, T0]);
            });
          }
          await driver.run(
            `INSERT INTO import_requests (id, team_id, requester_id, channel_id, source_key, payload, state, version, cards, created_at, updated_at)
             VALUES ('ir-old', 'T1', 'U1', 'C1', 'view-old', '{}', 'succeeded', 3, '[]', $1, $1)`,
            [T0],
          );
          await driver.run(
            `INSERT INTO approval_policies (team_id, required, approver_user_ids, approver_group_ids, approvals_needed, expiry_seconds, approvals_channel_id, updated_by, updated_at)
             VALUES ('T1', 1, '["U_A"]', '[]', 1, 3600, NULL, 'U_ADMIN', $1)`,
            [T0],
          );
          const migrated = await openStore(old.url);
          try {
            await migrated.migrate();
            expect(await migrated.getRequest('ir-old')).toMatchObject({ kind: 'import_cluster', cluster: null });
            expect((await migrated.getApprovalPolicy('T1'))?.nodeGroupsApproval).toBe('same');
            expect(await migrated.listReferences('T1')).toEqual([]);
          } finally {
            await migrated.close();
          }
        } finally {
          await driver.close();
          await old.cleanup();
        }
      });

      test('ping writes the health row', async () => {
        const before = Date.now();
        await store.ping();
        const [row] = await raw.query<{ id: number; pinged_at: number }>('SELECT id, pinged_at FROM store_health');
        expect(row?.pinged_at).toBeGreaterThanOrEqual(before);
        await store.ping();
        expect(await raw.query('SELECT id FROM store_health')).toHaveLength(1);
      });
    });

    describe('workspace connections', () => {
      const connection: WorkspaceConnection = {
        teamId: 'T1',
        enterpriseId: 'E1',
        tokenCiphertext: 'v1:iv:cipher:tag',
        tokenHint: 'eyJh…Q2xz',
        tokenExpiresAt: T0 + 5,
        orgId: 'org-1',
        defaultHostedZone: 'example.com',
        defaultSecretId: null,
        connectedBy: 'U_ADMIN',
        connectedAt: T0,
      };

      test('round-trips exactly, upserts, deletes', async () => {
        expect(await store.getConnection('T1')).toBeUndefined();
        await store.saveConnection(connection);
        expect(await store.getConnection('T1')).toStrictEqual(connection);

        const replaced: WorkspaceConnection = {
          ...connection,
          tokenExpiresAt: null,
          defaultHostedZone: null,
          defaultSecretId: 'sec-9',
          connectedAt: T0 + 7,
        };
        await store.saveConnection(replaced);
        expect(await store.getConnection('T1')).toStrictEqual(replaced);
        expect(await store.getConnection('T2')).toBeUndefined();

        expect(await store.deleteConnection('T1')).toBe(true);
        expect(await store.deleteConnection('T1')).toBe(false);
        expect(await store.getConnection('T1')).toBeUndefined();
      });
    });

    describe('approval policies', () => {
      test('round-trips exactly (booleans, arrays) and upserts', async () => {
        const policy: ApprovalPolicy = {
          required: true,
          approverUserIds: ['U_A', 'U_B'],
          approverGroupIds: ['S_OPS'],
          approvalsNeeded: 2,
          expirySeconds: 3600,
          approvalsChannelId: 'C_APPR',
          nodeGroupsApproval: 'same',
        };
        expect(await store.getApprovalPolicy('T1')).toBeUndefined();
        await store.saveApprovalPolicy('T1', policy, 'U_ADMIN', T0);
        expect(await store.getApprovalPolicy('T1')).toStrictEqual({ ...policy, updatedBy: 'U_ADMIN', updatedAt: T0 });

        const relaxed: ApprovalPolicy = { ...policy, required: false, approverUserIds: [], approverGroupIds: [], approvalsChannelId: null, nodeGroupsApproval: 'required' };
        await store.saveApprovalPolicy('T1', relaxed, 'U_OTHER', T0 + 1);
        expect(await store.getApprovalPolicy('T1')).toStrictEqual({ ...relaxed, updatedBy: 'U_OTHER', updatedAt: T0 + 1 });
      });
    });

    describe('createRequest', () => {
      test('inserts the request and its first audit entry', async () => {
        const input = newRequest();
        const result = await store.createRequest(input);
        expect(result).toStrictEqual({ request: expectedRequest(input), created: true });
        expect(await store.getRequest(input.id)).toStrictEqual(expectedRequest(input));
        expect(await store.listEvents(input.id)).toStrictEqual<RequestEvent[]>([
          { requestId: input.id, seq: 1, at: T0, actorId: 'U_REQ', fromState: null, toState: 'pending_approval', note: 'submitted' },
        ]);
      });

      test('keeps where the node groups came from (migration 009), and nothing when they were typed', async () => {
        const line = 'Node groups proposed from 6 nodes of the file nodes.json (kubectl-json) with “Fill from my nodes”.';
        const filled = newRequest({ provenance: line });
        expect((await store.createRequest(filled)).request).toStrictEqual({ ...expectedRequest(filled), provenance: line });
        expect(await store.getRequest(filled.id)).toStrictEqual({ ...expectedRequest(filled), provenance: line });
        expect((await store.listRequests('T1', 10)).find((r) => r.id === filled.id)?.provenance).toBe(line);
        const typed = newRequest();
        expect(await store.createRequest(typed).then((r) => 'provenance' in r.request)).toBe(false);
        expect(await raw.query('SELECT provenance FROM import_requests WHERE id = $1', [typed.id])).toEqual([{ provenance: null }]);
      });

      test('keeps nulls as nulls for a request that needs no approval', async () => {
        const input = newRequest({ state: 'approved', approval: null, expiresAt: null, responseUrl: null, replacesId: 'ir-old', note: 'no approval needed' });
        expect((await store.createRequest(input)).request).toStrictEqual(expectedRequest(input));
        expect((await store.listEvents(input.id))[0]).toMatchObject({ fromState: null, toState: 'approved', note: 'no approval needed' });
      });

      test('keeps the policy file’s rule that decided it (hash, path, rule, outcome, why) exactly, on every read', async () => {
        const policy = {
          hash: `sha256:${'ab'.repeat(32)}`,
          path: '/etc/simplismart/policy.yaml',
          rule: { kind: 'rule' as const, index: 2, name: 'more than 16 GPUs “big”', line: 21 },
          outcome: 'needs 2 approvals from S0GPULEADS',
          why: ['total GPUs at maximum scale is 24, more than 16'],
        };
        const input = newRequest({ policy });
        expect((await store.createRequest(input)).request).toStrictEqual(expectedRequest(input));
        expect((await store.getRequest(input.id))?.policy).toStrictEqual(policy);
        expect((await store.listRequests('T1', 100)).find((r) => r.id === input.id)?.policy).toStrictEqual(policy);
        const byDefault = newRequest({ policy: { ...policy, rule: { kind: 'default', line: null } } });
        expect((await store.createRequest(byDefault)).request.policy).toStrictEqual({ ...policy, rule: { kind: 'default', line: null } });
      });

      test('a redelivered submission returns the existing request and inserts nothing', async () => {
        const first = newRequest();
        await store.createRequest(first);
        const again = { ...newRequest(), sourceKey: first.sourceKey, payload: '{"other":true}' };

        const result = await store.createRequest(again);

        expect(result).toStrictEqual({ request: expectedRequest(first), created: false });
        expect(await store.getRequest(again.id)).toBeUndefined();
        expect(await store.listEvents(again.id)).toEqual([]);
        expect(await store.listEvents(first.id)).toHaveLength(1);
      });

      test('the same source key in another workspace is a different request', async () => {
        const first = newRequest();
        await store.createRequest(first);
        const result = await store.createRequest({ ...newRequest(), teamId: 'T2', sourceKey: first.sourceKey });
        expect(result.created).toBe(true);
      });

      test('concurrent submissions with one key create exactly one request', async () => {
        const key = 'view-concurrent';
        const inputs = Array.from({ length: 10 }, () => newRequest({ sourceKey: key }));

        const results = await Promise.all(inputs.map((input) => store.createRequest(input)));

        const created = results.filter((r) => r.created);
        expect(created).toHaveLength(1);
        const winner = created[0]!.request.id;
        expect(new Set(results.map((r) => r.request.id))).toEqual(new Set([winner]));
        expect(ids(await store.listRequests('T1', 50))).toEqual([winner]);
        expect(await store.listEvents(winner)).toHaveLength(1);
      });
    });

    describe('reading requests', () => {
      test('getRequest of an unknown id is undefined', async () => {
        expect(await store.getRequest('ir-nope')).toBeUndefined();
      });

      test('listRequests: one workspace, newest first, at most `limit`', async () => {
        const a = await create({ at: T0 });
        const b = await create({ at: T0 + 1 });
        const c = await create({ at: T0 + 2 });
        await create({ teamId: 'T2', at: T0 + 3 });

        expect(ids(await store.listRequests('T1', 10))).toEqual([c.id, b.id, a.id]);
        expect(ids(await store.listRequests('T1', 2))).toEqual([c.id, b.id]);
        expect(await store.listRequests('T1', 0)).toEqual([]);
      });
    });

    describe('requests of every kind', () => {
      const CLUSTER = '1e99a854-26de-4c19-b6b6-68c7e03c39c3';
      const OTHER_CLUSTER = '0f0e0d0c-0b0a-4909-8807-060504030201';
      const change = (cluster: string, overrides: Partial<NewImportRequest> = {}) =>
        create({ kind: 'add_node_groups', cluster: { id: cluster, name: 'Prod', thread: { channel: 'C_CHAN', ts: '1700000000.000100' } }, ...overrides });

      test('a node-group request keeps its kind and its cluster (UUID, name, thread) exactly; an import has none', async () => {
        const input = newRequest({ kind: 'add_node_groups', cluster: { id: CLUSTER, name: 'Prod “East”', thread: { channel: 'C_CHAN', ts: '1700000000.000100' } } });
        const { request } = await store.createRequest(input);
        expect(request).toStrictEqual(expectedRequest(input));
        expect(await store.getRequest(input.id)).toStrictEqual(expectedRequest(input));
        const elsewhere = newRequest({ kind: 'add_node_groups', cluster: { id: OTHER_CLUSTER, name: null, thread: null } });
        await store.createRequest(elsewhere);
        expect((await store.getRequest(elsewhere.id))?.cluster).toStrictEqual({ id: OTHER_CLUSTER, name: null, thread: null });
        expect((await create()).cluster).toBeNull();
      });

      test('a status message that is a reply in a cluster’s thread keeps its root', async () => {
        const request = await change(CLUSTER);
        await store.updateRequest(request.id, { thread: { channel: 'C_CHAN', ts: '1700000000.000300', root: '1700000000.000100' } });
        expect((await store.getRequest(request.id))?.thread).toStrictEqual({ channel: 'C_CHAN', ts: '1700000000.000300', root: '1700000000.000100' });
      });

      test('listRequests filters by kind, by states and by cluster, newest first, in one workspace', async () => {
        const imported = await create({ state: 'approved', at: T0 });
        const first = await change(CLUSTER, { state: 'approved', at: T0 + 1 });
        const second = await change(CLUSTER, { at: T0 + 2 });
        const other = await change(OTHER_CLUSTER, { state: 'approved', at: T0 + 3 });
        await change(CLUSTER, { teamId: 'T2', at: T0 + 4 });
        await move(first.id, ['approved'], 'importing');

        expect(ids(await store.listRequests('T1', 10, { kind: 'import_cluster' }))).toEqual([imported.id]);
        expect(ids(await store.listRequests('T1', 10, { kind: 'add_node_groups' }))).toEqual([other.id, second.id, first.id]);
        expect(ids(await store.listRequests('T1', 10, { clusterIds: [CLUSTER] }))).toEqual([second.id, first.id]);
        expect(ids(await store.listRequests('T1', 10, { clusterIds: [CLUSTER, OTHER_CLUSTER], states: ['approved', 'importing'] }))).toEqual([other.id, first.id]);
        expect(ids(await store.listRequests('T1', 1, { kind: 'add_node_groups' }))).toEqual([other.id]);
        expect(await store.listRequests('T1', 10, { clusterIds: [] })).toEqual([]);
        expect(await store.listRequests('T1', 10, { states: [] })).toEqual([]);
      });

      test('countPending counts the requests waiting for approval in every workspace, by kind, as numbers', async () => {
        expect(await store.countPending()).toEqual({});
        await createIn('pending_approval');
        await create({ teamId: 'T2' });
        await change(CLUSTER, { teamId: 'T3' });
        await createIn('approved');
        await createIn('rejected');
        const decided = await change(CLUSTER);
        await move(decided.id, ['pending_approval'], 'approved');
        expect(await store.countPending()).toStrictEqual({ import_cluster: 2, add_node_groups: 1 });
      });
    });

    describe('named references', () => {
      const ZONE = 'b13c6a8a-6e9a-4bb9-8a0c-0db8c1a5a63f';
      const SECRET = '9d1a0a51-9af6-4c6f-90ab-1a8b54e2b7b1';
      const TOOL = '0b6f2a4c-1d3e-4f5a-8b7c-9d0e1f2a3b4c';
      const named: NamedReference[] = [
        { kind: 'tool', category: 'MONITORING', name: 'Prometheus', uuid: TOOL },
        { kind: 'hosted_zone', category: '', name: 'Zone “B”', uuid: ZONE },
        { kind: 'tool', category: 'ASYNC TOOLS', name: 'Redis', uuid: SECRET },
        { kind: 'hosted_zone', category: '', name: 'Zone A', uuid: SECRET },
        { kind: 'secret', category: '', name: 'prod kubeconfig', uuid: SECRET },
      ];

      test('none at first; replaced as a whole; listed by kind, category and the order given; per workspace', async () => {
        expect(await store.listReferences('T1')).toEqual([]);
        await store.replaceReferences('T1', named, 'U_ADMIN', T0);
        await store.replaceReferences('T2', [named[0]!], 'U_OTHER', T0 + 5);
        const stored = (r: NamedReference, by = 'U_ADMIN', at = T0) => ({ ...r, updatedBy: by, updatedAt: at });
        expect(await store.listReferences('T1')).toStrictEqual([named[1], named[3], named[4], named[2], named[0]].map((r) => stored(r!)));

        await store.replaceReferences('T1', [named[4]!], 'U_ADMIN2', T0 + 9);
        expect(await store.listReferences('T1')).toStrictEqual([stored(named[4]!, 'U_ADMIN2', T0 + 9)]);
        expect(await store.listReferences('T2')).toStrictEqual([stored(named[0]!, 'U_OTHER', T0 + 5)]);
        await store.replaceReferences('T1', [], 'U_ADMIN', T0 + 10);
        expect(await store.listReferences('T1')).toEqual([]);
      });

      test('all or nothing: a set the database refuses (one name twice) leaves the earlier set', async () => {
        await store.replaceReferences('T1', named, 'U_ADMIN', T0);
        await expect(store.replaceReferences('T1', [named[0]!, named[0]!], 'U_ADMIN', T0 + 1)).rejects.toThrow();
        expect(await store.listReferences('T1')).toHaveLength(named.length);
      });
    });

    describe('workspace settings (one query before an ack)', () => {
      const connection: WorkspaceConnection = {
        teamId: 'T1',
        enterpriseId: null,
        tokenCiphertext: 'v1:iv:cipher:tag',
        tokenHint: 'eyJh…Q2xz',
        tokenExpiresAt: null,
        orgId: 'org-1',
        defaultHostedZone: 'zone-1',
        defaultSecretId: 'secret-1',
        connectedBy: 'U_ADMIN',
        connectedAt: T0,
      };
      const policy: ApprovalPolicy = {
        required: true,
        approverUserIds: ['U_A'],
        approverGroupIds: [],
        approvalsNeeded: 1,
        expirySeconds: 60,
        approvalsChannelId: null,
        nodeGroupsApproval: 'same',
      };
      const named: NamedReference[] = [
        { kind: 'secret', category: '', name: 'prod', uuid: 'secret-1' },
        { kind: 'hosted_zone', category: '', name: 'B', uuid: 'zone-2' },
        { kind: 'hosted_zone', category: '', name: 'A', uuid: 'zone-1' },
      ];

      test('nothing saved: no connection, no policy, no references', async () => {
        for (const withReferences of [true, false]) {
          expect(await store.getWorkspaceSettings('T1', withReferences)).toStrictEqual({ connection: undefined, policy: undefined, references: [] });
        }
      });

      test('reads exactly what getConnection, getApprovalPolicy and listReferences read, for one workspace only', async () => {
        await store.saveConnection(connection);
        await store.saveApprovalPolicy('T1', policy, 'U_ADMIN', T0 + 1);
        await store.replaceReferences('T1', named, 'U_ADMIN', T0 + 2);
        await store.saveConnection({ ...connection, teamId: 'T2', orgId: 'org-2' });
        await store.replaceReferences('T2', [named[0]!], 'U_OTHER', T0 + 3);
        const separately = { connection: await store.getConnection('T1'), policy: await store.getApprovalPolicy('T1'), references: await store.listReferences('T1') };
        expect(separately.references).toHaveLength(3);
        expect(await store.getWorkspaceSettings('T1', true)).toStrictEqual(separately);
        expect(await store.getWorkspaceSettings('T1', false)).toStrictEqual({ ...separately, references: [] });
        expect(await store.getWorkspaceSettings('T2', true)).toStrictEqual({
          connection: await store.getConnection('T2'),
          policy: undefined,
          references: await store.listReferences('T2'),
        });
      });

      test('references without a connection or a policy', async () => {
        await store.replaceReferences('T3', named, 'U_ADMIN', T0);
        expect(await store.getWorkspaceSettings('T3', true)).toStrictEqual({ connection: undefined, policy: undefined, references: await store.listReferences('T3') });
      });
    });

    describe('transition', () => {
      test('moves the request, bumps its version, applies the patch and appends an audit entry', async () => {
        const request = await create();
        const moved = await store.transition({
          id: request.id,
          from: ['pending_approval'],
          to: 'approved',
          actorId: 'U_A',
          at: T0 + 60_000,
          note: 'quorum reached',
          patch: { cards: [{ channel: 'C_APPR', ts: '1700000000.000100' }] },
        });

        const expected: ImportRequest = {
          ...request,
          state: 'approved',
          version: 2,
          updatedAt: T0 + 60_000,
          cards: [{ channel: 'C_APPR', ts: '1700000000.000100' }],
        };
        expect(moved).toStrictEqual(expected);
        expect(await store.getRequest(request.id)).toStrictEqual(expected);
        expect((await store.listEvents(request.id))[1]).toStrictEqual<RequestEvent>({
          requestId: request.id,
          seq: 2,
          at: T0 + 60_000,
          actorId: 'U_A',
          fromState: 'pending_approval',
          toState: 'approved',
          note: 'quorum reached',
        });
      });

      test('records the state the request was actually in, whichever of `from` it was', async () => {
        const importing = await createIn('importing', { lease: { owner: 'proc-a', expiresAt: T0 + 10 } });
        const unknown = await createIn('importing');
        await move(unknown.id, ['importing'], 'outcome_unknown');

        await store.transition({ id: importing.id, from: ['outcome_unknown', 'importing'], to: 'failed', actorId: null, at: T0 + 5000 });
        await store.transition({ id: unknown.id, from: ['importing', 'outcome_unknown'], to: 'succeeded', actorId: null, at: T0 + 5000 });

        const last = async (id: string) => (await store.listEvents(id)).at(-1);
        expect(await last(importing.id)).toMatchObject({ fromState: 'importing', toState: 'failed', actorId: null, note: null });
        expect(await last(unknown.id)).toMatchObject({ fromState: 'outcome_unknown', toState: 'succeeded' });
      });

      test('a request no longer in `from` is left alone (lost race)', async () => {
        const request = await create();
        expect(await move(request.id, ['approved'], 'importing')).toBeUndefined();
        expect(await store.getRequest(request.id)).toStrictEqual(request);
        expect(await store.listEvents(request.id)).toHaveLength(1);
        expect(await move('ir-missing', ['pending_approval'], 'approved')).toBeUndefined();
      });

      test('an impossible move throws and writes nothing', async () => {
        const request = await create();
        await expect(move(request.id, ['pending_approval'], 'importing')).rejects.toThrow(/pending_approval to importing/);
        // One allowed origin is not enough: approved → cancelled does not exist.
        await expect(move(request.id, ['pending_approval', 'approved'], 'cancelled')).rejects.toThrow(/approved to cancelled/);
        await expect(move(request.id, [], 'approved')).rejects.toThrow();
        expect(await store.getRequest(request.id)).toStrictEqual(request);
        expect(await store.listEvents(request.id)).toHaveLength(1);
      });

      test('patch: null clears a field, an absent key leaves it alone', async () => {
        const request = await createIn('importing', { lease: { owner: 'proc-a', expiresAt: T0 + 30_000 } });
        await store.updateRequest(request.id, { thread: { channel: 'C1', ts: '1.2' }, threadPermalink: 'https://x/p1' });
        const outcome: ImportOutcome = {
          kind: 'imported',
          cluster: { uuid: 'c-uuid', name: 'prod', status: 'ACTIVE', provider: 'aws', region: null },
        };

        const moved = await store.transition({
          id: request.id,
          from: ['importing'],
          to: 'succeeded',
          actorId: null,
          at: T0 + 9,
          patch: { thread: null, outcome, lease: null },
        });

        expect(moved).toStrictEqual<ImportRequest>({
          ...request,
          state: 'succeeded',
          version: request.version + 1,
          updatedAt: T0 + 9,
          thread: null,
          threadPermalink: 'https://x/p1',
          outcome,
          lease: null,
        });
      });

      test('of 20 concurrent moves out of pending_approval exactly one wins, with one audit entry', async () => {
        const request = await create();
        const targets: RequestState[] = ['approved', 'rejected', 'expired', 'cancelled'];
        const attempts = Array.from({ length: 20 }, (_, i) =>
          store.transition({ id: request.id, from: ['pending_approval'], to: targets[i % 4]!, actorId: `U_${i}`, at: T0 + i }),
        );

        const results = await Promise.all(attempts);

        const winners = results.flatMap((r, i) => (r === undefined ? [] : [{ r, i }]));
        expect(winners).toHaveLength(1);
        const { r: winner, i } = winners[0]!;
        expect(winner.version).toBe(2);
        expect(await store.getRequest(request.id)).toStrictEqual(winner);
        const events = await store.listEvents(request.id);
        expect(events).toHaveLength(2);
        expect(events[1]).toMatchObject({ seq: 2, fromState: 'pending_approval', toState: targets[i % 4], actorId: `U_${i}` });
      });
    });

    describe('recordApproval', () => {
      const approvalBy = (request: ImportRequest, approverId: string, at: number): Approval => ({ requestId: request.id, approverId, at });

      /** A vote that changed nothing: its answer holds the request and the votes as stored, and the trail is as long as before. */
      async function expectVoteIgnored(
        vote: Awaited<ReturnType<Store['recordApproval']>>,
        outcome: 'duplicate' | 'not_pending',
        stored: ImportRequest,
        approvals: Approval[],
        events: number,
      ): Promise<void> {
        expect(vote).toStrictEqual({ outcome, request: stored, approvals });
        expect(await store.getRequest(stored.id)).toStrictEqual(stored);
        expect(await store.listEvents(stored.id)).toHaveLength(events);
      }

      test('counts a vote with an audit entry and lists the votes so far', async () => {
        const request = await create();
        const vote = await store.recordApproval({ id: request.id, approverId: 'U_A', at: T0 + 10, note: 'lgtm' });

        expect(vote).toStrictEqual({
          outcome: 'recorded',
          request: { ...request, version: 2, updatedAt: T0 + 10 },
          approvals: [{ requestId: request.id, approverId: 'U_A', at: T0 + 10 }],
        });
        expect((await store.listEvents(request.id))[1]).toStrictEqual<RequestEvent>({
          requestId: request.id,
          seq: 2,
          at: T0 + 10,
          actorId: 'U_A',
          fromState: 'pending_approval',
          toState: 'pending_approval',
          note: 'lgtm',
        });
      });

      test('a second vote by the same approver changes nothing', async () => {
        const request = await create();
        await store.recordApproval({ id: request.id, approverId: 'U_A', at: T0 + 10 });

        const again = await store.recordApproval({ id: request.id, approverId: 'U_A', at: T0 + 20 });

        // The version bump taken before the duplicate was noticed has been rolled back.
        await expectVoteIgnored(again, 'duplicate', { ...request, version: 2, updatedAt: T0 + 10 }, [approvalBy(request, 'U_A', T0 + 10)], 2);
      });

      test('approvals are listed by time, not by arrival', async () => {
        const request = await create();
        await store.recordApproval({ id: request.id, approverId: 'U_B', at: T0 + 20 });
        const vote = await store.recordApproval({ id: request.id, approverId: 'U_A', at: T0 + 10 });
        const expected = [
          { requestId: request.id, approverId: 'U_A', at: T0 + 10 },
          { requestId: request.id, approverId: 'U_B', at: T0 + 20 },
        ];
        expect(vote.approvals).toStrictEqual(expected);
        expect(await store.listApprovals(request.id)).toStrictEqual(expected);
      });

      test('a request that is no longer pending takes no votes', async () => {
        const request = await create();
        await store.recordApproval({ id: request.id, approverId: 'U_A', at: T0 + 1 });
        const approved = await move(request.id, ['pending_approval'], 'approved');

        const vote = await store.recordApproval({ id: request.id, approverId: 'U_B', at: T0 + 2 });

        await expectVoteIgnored(vote, 'not_pending', approved!, [approvalBy(request, 'U_A', T0 + 1)], 3);
      });

      test('an unknown request is not pending', async () => {
        expect(await store.recordApproval({ id: 'ir-missing', approverId: 'U_A', at: T0 })).toStrictEqual({
          outcome: 'not_pending',
          request: undefined,
          approvals: [],
        });
      });

      test('10 concurrent votes by one approver count once', async () => {
        const request = await create();
        const votes = await Promise.all(
          Array.from({ length: 10 }, (_, i) => store.recordApproval({ id: request.id, approverId: 'U_A', at: T0 + i })),
        );

        expect(votes.filter((v) => v.outcome === 'recorded')).toHaveLength(1);
        expect(votes.filter((v) => v.outcome === 'duplicate')).toHaveLength(9);
        expect(await store.listApprovals(request.id)).toHaveLength(1);
        expect((await store.getRequest(request.id))?.version).toBe(2);
        expect(await store.listEvents(request.id)).toHaveLength(2);
      });

      test('concurrent votes by two approvers are both counted, each with its own version', async () => {
        const request = await create();
        const votes = await Promise.all([
          store.recordApproval({ id: request.id, approverId: 'U_A', at: T0 + 1 }),
          store.recordApproval({ id: request.id, approverId: 'U_B', at: T0 + 2 }),
        ]);

        expect(votes.map((v) => v.outcome)).toEqual(['recorded', 'recorded']);
        expect(new Set(votes.map((v) => v.request?.version))).toEqual(new Set([2, 3]));
        expect(await store.listApprovals(request.id)).toHaveLength(2);
        expect((await store.listEvents(request.id)).map((e) => e.seq)).toEqual([1, 2, 3]);
      });
    });

    describe('import leases', () => {
      const mine: ImportLease = { owner: 'host:1:aaaa', expiresAt: T0 + 30_000 };

      test('approved → importing takes the lease; the outcome clears it', async () => {
        const importing = await createIn('importing', { lease: mine });
        expect(importing.lease).toStrictEqual(mine);
        expect((await store.getRequest(importing.id))?.lease).toStrictEqual(mine);
        const done = await store.transition({ id: importing.id, from: ['importing'], to: 'failed', actorId: null, at: T0 + 1, patch: { lease: null } });
        expect(done?.lease).toBeNull();
        const [row] = await raw.query<{ lease_owner: unknown; lease_expires_at: unknown }>(
          'SELECT lease_owner, lease_expires_at FROM import_requests WHERE id = $1',
          [importing.id],
        );
        expect(row).toEqual({ lease_owner: null, lease_expires_at: null });
      });

      test('renewLease extends only its owner’s lease, only while importing, without a version or an audit entry', async () => {
        const importing = await createIn('importing', { lease: mine });
        const events = await store.listEvents(importing.id);

        expect(await store.renewLease(importing.id, 'host:2:bbbb', T0 + 99_000)).toBe(false);
        expect((await store.getRequest(importing.id))?.lease).toStrictEqual(mine);

        expect(await store.renewLease(importing.id, mine.owner!, T0 + 60_000)).toBe(true);
        const renewed = await store.getRequest(importing.id);
        expect(renewed).toStrictEqual({ ...importing, lease: { owner: mine.owner, expiresAt: T0 + 60_000 } });
        expect(await store.listEvents(importing.id)).toStrictEqual(events);

        await move(importing.id, ['importing'], 'outcome_unknown');
        expect(await store.renewLease(importing.id, mine.owner!, T0 + 90_000)).toBe(false);
        expect(await store.renewLease('ir-missing', mine.owner!, T0 + 90_000)).toBe(false);
        const approved = await createIn('approved');
        expect(await store.renewLease(approved.id, mine.owner!, T0 + 90_000)).toBe(false);
      });

      test('a transition with ifLease moves only while the lease is exactly the one given', async () => {
        const importing = await createIn('importing', { lease: mine });
        const unknown = (to: RequestState, ifLease: ImportLease | null) =>
          store.transition({ id: importing.id, from: ['importing'], to, actorId: null, at: T0 + 5, ifLease, patch: { lease: null } });

        // Renewed since it was seen (another expiry), or another owner: left alone.
        expect(await unknown('outcome_unknown', { ...mine, expiresAt: mine.expiresAt - 1 })).toBeUndefined();
        expect(await unknown('outcome_unknown', { ...mine, owner: 'host:2:bbbb' })).toBeUndefined();
        expect(await unknown('outcome_unknown', { ...mine, owner: null })).toBeUndefined();
        expect(await unknown('outcome_unknown', null)).toBeUndefined();
        expect(await store.listEvents(importing.id)).toHaveLength(2);

        const moved = await unknown('outcome_unknown', mine);
        expect(moved).toMatchObject({ state: 'outcome_unknown', lease: null });

        // No lease is matched by null, and only by null.
        const bare = await createIn('importing', { lease: null });
        const take = (ifLease: ImportLease | null) =>
          store.transition({ id: bare.id, from: ['importing'], to: 'outcome_unknown', actorId: null, at: T0 + 5, ifLease });
        expect(await take({ owner: null, expiresAt: 0 })).toBeUndefined();
        expect(await take(null)).toMatchObject({ state: 'outcome_unknown' });
      });

      test('of a renewal and a recovery racing on one lease, recovery wins only if it comes first', async () => {
        for (let round = 0; round < 10; round++) {
          const importing = await createIn('importing', { lease: mine });
          const [renewed, recovered] = await Promise.all([
            store.renewLease(importing.id, mine.owner!, T0 + 60_000 + round),
            store.transition({ id: importing.id, from: ['importing'], to: 'outcome_unknown', actorId: null, at: T0 + 5, ifLease: mine, patch: { lease: null } }),
          ]);
          const final = await store.getRequest(importing.id);
          // Exactly one of them happened, and the row says which.
          expect(Number(renewed) + Number(recovered !== undefined)).toBe(1);
          expect(final?.state).toBe(recovered === undefined ? 'importing' : 'outcome_unknown');
        }
      });
    });

    describe('updateRequest', () => {
      test('changes only the present keys, without a version bump or audit entry', async () => {
        const request = await create();
        await store.updateRequest(request.id, {
          thread: { channel: 'C1', ts: '1.1' },
          threadPermalink: 'https://x/p',
          cards: [{ channel: 'C2', ts: '2.2' }, { channel: 'C3', ts: '3.3' }],
        });
        const updated: ImportRequest = {
          ...request,
          thread: { channel: 'C1', ts: '1.1' },
          threadPermalink: 'https://x/p',
          cards: [{ channel: 'C2', ts: '2.2' }, { channel: 'C3', ts: '3.3' }],
        };
        expect(await store.getRequest(request.id)).toStrictEqual(updated);

        await store.updateRequest(request.id, { threadPermalink: null, thread: undefined });
        expect(await store.getRequest(request.id)).toStrictEqual({ ...updated, threadPermalink: null });

        await store.updateRequest(request.id, {});
        expect(await store.getRequest(request.id)).toStrictEqual({ ...updated, threadPermalink: null });
        expect(await store.listEvents(request.id)).toHaveLength(1);
      });

      test('stores every outcome shape as given', async () => {
        const request = await create();
        const outcomes: ImportOutcome[] = [
          { kind: 'rejected', code: 'validation', status: 400, apiMessage: 'bad', fieldErrors: [{ field: 'name', messages: ['taken'] }] },
          { kind: 'unknown', code: 'timeout', status: null, apiMessage: null },
          { kind: 'not_sent', code: 'ECONNREFUSED', detail: 'refused' },
          { kind: 'imported', cluster: { uuid: 'u', name: 'n', status: 's', provider: 'p', region: 'r' }, note: 'body unreadable' },
        ];
        for (const outcome of outcomes) {
          await store.updateRequest(request.id, { outcome });
          expect((await store.getRequest(request.id))?.outcome).toStrictEqual(outcome);
        }
      });
    });

    describe('keyed messages (claimMessage, recordMessage, releaseMessage)', () => {
      const STALE = T0 - 1;

      test('claimed once; recorded, every later claim finds where it landed (a reply keeps its thread’s root)', async () => {
        const request = await create();
        expect(await store.claimMessage(request.id, 'outcome:succeeded', T0, STALE)).toEqual({ claimed: true, retaken: false });
        expect(await store.claimMessage(request.id, 'outcome:succeeded', T0 + 1, STALE)).toEqual({ claimed: false, posted: null });
        await store.recordMessage(request.id, 'outcome:succeeded', { channel: 'C1', ts: '2.2', root: '1.1' });
        expect(await store.claimMessage(request.id, 'outcome:succeeded', T0 + 2, T0 + 2)).toEqual({ claimed: false, posted: { channel: 'C1', ts: '2.2', root: '1.1' } });
        // Another key, or another request, is a message of its own.
        expect(await store.claimMessage(request.id, 'parent', T0, STALE)).toEqual({ claimed: true, retaken: false });
        expect(await store.claimMessage((await create()).id, 'outcome:succeeded', T0, STALE)).toEqual({ claimed: true, retaken: false });
      });

      test('a claim left unrecorded since before `staleBefore` is taken over once; a released one is free again', async () => {
        const request = await create();
        await store.claimMessage(request.id, 'parent', T0, STALE);
        expect(await store.claimMessage(request.id, 'parent', T0 + 10, T0)).toEqual({ claimed: false, posted: null });
        expect(await store.claimMessage(request.id, 'parent', T0 + 20, T0 + 1)).toEqual({ claimed: true, retaken: true });
        expect(await store.claimMessage(request.id, 'parent', T0 + 30, T0 + 1)).toEqual({ claimed: false, posted: null });
        await store.releaseMessage(request.id, 'parent');
        expect(await store.claimMessage(request.id, 'parent', T0 + 40, STALE)).toEqual({ claimed: true, retaken: false });
        // A recorded message is never released, nor taken over however old.
        await store.recordMessage(request.id, 'parent', { channel: 'C1', ts: '1.1' });
        await store.releaseMessage(request.id, 'parent');
        expect(await store.claimMessage(request.id, 'parent', T0 + 10_000_000, T0 + 5_000_000)).toEqual({ claimed: false, posted: { channel: 'C1', ts: '1.1' } });
      });

      test('of 20 concurrent claims of one message exactly one wins', async () => {
        const request = await create();
        const claims = await Promise.all(Array.from({ length: 20 }, () => store.claimMessage(request.id, 'card', T0, STALE)));
        expect(claims.filter((c) => c.claimed)).toHaveLength(1);
      });
    });

    describe('Workflow Builder step executions', () => {
      const step = (executionId: string) => ({ executionId, callbackId: 'import_simplismart_cluster', sealedToken: 'v1.sealed' });

      test('stored with its request, atomically, once per execution id: a redelivery finds the request and adds nothing', async () => {
        const input = newRequest({ sourceKey: 'step:Fx1', step: step('Fx1') });
        const first = await store.createRequest(input);
        expect(first.created).toBe(true);
        expect(await store.getStepExecution(input.id)).toEqual({
          ...step('Fx1'),
          requestId: input.id,
          teamId: 'T1',
          createdAt: T0,
          completion: null,
          claimedAt: null,
          attempts: 0,
          completedAt: null,
          note: null,
        });
        const again = await store.createRequest({ ...newRequest({ sourceKey: 'step:Fx1', step: step('Fx1') }) });
        expect(again).toMatchObject({ created: false, request: { id: input.id } });
        expect(await raw.query('SELECT execution_id FROM step_executions')).toEqual([{ execution_id: 'Fx1' }]);
        expect(await store.getStepExecution((await create()).id)).toBeUndefined();
      });

      test('claimStepCompletion: one claim of many at once; a finished one never again; a given-back or stale one again', async () => {
        const request = await create({ sourceKey: 'step:Fx2', step: step('Fx2') });
        const claims = await Promise.all(Array.from({ length: 6 }, () => store.claimStepCompletion('Fx2', T0 + 10, T0)));
        expect(claims.filter(Boolean)).toHaveLength(1);
        // Not stale yet: nobody else takes it; stale: taken over.
        expect(await store.claimStepCompletion('Fx2', T0 + 20, T0)).toBe(false);
        expect(await store.claimStepCompletion('Fx2', T0 + 30, T0 + 11)).toBe(true);
        // Given back (did not reach Slack): claimable at once.
        await store.finishStepCompletion('Fx2', null, null, T0 + 40);
        expect(await store.getStepExecution(request.id)).toMatchObject({ completion: null, claimedAt: null, attempts: 2 });
        // Given back, the step still needs its token to be completed; finished, never again.
        expect((await store.getStepExecution(request.id))?.sealedToken).not.toBeNull();
        expect(await store.claimStepCompletion('Fx2', T0 + 50, T0)).toBe(true);
        await store.finishStepCompletion('Fx2', 'refused', 'execution_not_in_running_state', T0 + 60);
        expect(await store.getStepExecution(request.id)).toMatchObject({ completion: 'refused', note: 'execution_not_in_running_state', completedAt: T0 + 60, attempts: 3 });
        expect(await store.getStepExecution(request.id)).toMatchObject({ sealedToken: null });
        expect(await store.claimStepCompletion('Fx2', T0 + 10_000_000, T0 + 9_999_999)).toBe(false);
        expect(await store.claimStepCompletion('no-such-execution', T0, T0)).toBe(false);
      });

      test('listUncompletedSteps: ended requests whose completion is not done nor freshly claimed, oldest first', async () => {
        const ended = await create({ state: 'approved', sourceKey: 'step:Fx3', step: step('Fx3'), at: T0 + 1 });
        await store.transition({ id: ended.id, from: ['approved'], to: 'importing', actorId: null, at: T0 + 2 });
        await move(ended.id, ['importing'], 'failed');
        const rejected = await create({ sourceKey: 'step:Fx4', step: step('Fx4') });
        await move(rejected.id, ['pending_approval'], 'rejected');
        const staleClaim = await create({ sourceKey: 'step:Fx5', step: step('Fx5'), at: T0 + 2 });
        await move(staleClaim.id, ['pending_approval'], 'expired');
        await store.claimStepCompletion('Fx5', T0 + 5, T0);
        const freshClaim = await create({ sourceKey: 'step:Fx6', step: step('Fx6') });
        await move(freshClaim.id, ['pending_approval'], 'cancelled');
        await store.claimStepCompletion('Fx6', T0 + 100, T0);
        const done = await create({ sourceKey: 'step:Fx7', step: step('Fx7') });
        await move(done.id, ['pending_approval'], 'rejected');
        await store.claimStepCompletion('Fx7', T0, T0);
        await store.finishStepCompletion('Fx7', 'errored', 'rejected', T0 + 1);
        await create({ sourceKey: 'step:Fx8', step: step('Fx8') }); // still waiting
        await move((await create()).id, ['pending_approval'], 'rejected'); // no step

        const listed = await store.listUncompletedSteps(T0 + 50, 10);
        expect(listed.map((s) => s.executionId)).toEqual(['Fx4', 'Fx3', 'Fx5']);
        expect((await store.listUncompletedSteps(T0 + 50, 1)).map((s) => s.executionId)).toEqual(['Fx4']);
      });
    });

    describe('sweeper listings', () => {
      const NOW = T0 + 100;

      test('listExpiredPending: pending requests whose expiry has come, oldest first', async () => {
        const a = await createIn('pending_approval', { expiresAt: NOW - 50 });
        const atNow = await createIn('pending_approval', { expiresAt: NOW });
        const c = await createIn('pending_approval', { expiresAt: NOW - 90 });
        await createIn('pending_approval', { expiresAt: NOW + 1 });
        await createIn('pending_approval', { expiresAt: null });
        await createIn('approved', { expiresAt: NOW - 99 });
        await createIn('rejected', { expiresAt: NOW - 99 });

        expect(ids(await store.listExpiredPending(NOW, 10))).toEqual([c.id, a.id, atNow.id]);
        expect(ids(await store.listExpiredPending(NOW, 2))).toEqual([c.id, a.id]);
      });

      test('listLapsedLeases: importing requests whose lease has lapsed (or that have none), earliest first', async () => {
        const late = await createIn('importing', { lease: { owner: 'proc-a', expiresAt: NOW - 10 } });
        const later = await createIn('importing', { lease: { owner: 'proc-b', expiresAt: NOW - 60 } });
        const atNow = await createIn('importing', { lease: { owner: null, expiresAt: NOW } });
        const none = await createIn('importing', { lease: null });
        await createIn('importing', { lease: { owner: 'proc-a', expiresAt: NOW + 1 } });
        await createIn('failed', { lease: { owner: 'proc-a', expiresAt: NOW - 99 } });

        expect(ids(await store.listLapsedLeases(NOW, 10))).toEqual([none.id, later.id, late.id, atNow.id]);
        expect(ids(await store.listLapsedLeases(NOW, 2))).toEqual([none.id, later.id]);
        expect((await store.listLapsedLeases(NOW, 10)).map((r) => r.lease)).toStrictEqual([
          null,
          { owner: 'proc-b', expiresAt: NOW - 60 },
          { owner: 'proc-a', expiresAt: NOW - 10 },
          { owner: null, expiresAt: NOW },
        ]);
      });

      test('listStalledApproved: approved requests untouched since before the cut-off, oldest first', async () => {
        const old = await createIn('approved', { at: NOW - 10 });
        const older = await createIn('approved', { at: NOW - 70 });
        await createIn('approved', { at: NOW });
        await createIn('approved', { at: NOW + 5 });
        await createIn('importing', { at: NOW - 99 });
        await createIn('pending_approval', { at: NOW - 99 });

        expect(ids(await store.listStalledApproved(NOW, 10))).toEqual([older.id, old.id]);
        expect(ids(await store.listStalledApproved(NOW, 1))).toEqual([older.id]);
      });

      test('listUnlaunchedPending: pending requests from before the cut-off with neither thread nor card, oldest first', async () => {
        const old = await createIn('pending_approval', { at: NOW - 10 });
        const older = await createIn('pending_approval', { at: NOW - 70 });
        const withThread = await createIn('pending_approval', { at: NOW - 80 });
        await store.updateRequest(withThread.id, { thread: { channel: 'C1', ts: '1.000100' } });
        const withCard = await createIn('pending_approval', { at: NOW - 80 });
        await store.updateRequest(withCard.id, { cards: [{ channel: 'C2', ts: '2.000100' }] });
        await createIn('pending_approval', { at: NOW });
        await createIn('approved', { at: NOW - 99 });
        await createIn('rejected', { at: NOW - 99 });

        expect(ids(await store.listUnlaunchedPending(NOW, 10))).toEqual([older.id, old.id]);
        expect(ids(await store.listUnlaunchedPending(NOW, 1))).toEqual([older.id]);
      });
    });
  });
}
