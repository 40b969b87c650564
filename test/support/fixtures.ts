// The test data every test shares, built once: who is who (Slack and Simplismart ids), tokens, the
// documented import body, an import request, and a filled import form. Tests state only what they change.
import type { ImportClusterBody } from '../../src/domain/clusterImport.js';
import type { ImportRequest } from '../../src/domain/importRequest.js';
import type { NewImportRequest } from '../../src/store/store.js';
import type { FillValue } from './modalState.js';

export const TEAM = 'T0TEAMONE1';
export const TEAM_TWO = 'T0TEAMTWO2';
export const CHANNEL = 'C0IMPORTS1';
export const ALICE = 'U0ALICE001';
export const BOB = 'U0BOB00002';
export const CAROL = 'U0CAROL003';
export const ADMIN = 'U0ADMIN004';

/** The organisation, hosted zone and secret of the API document's example request. */
export const ORG = '54360212-2263-44c6-afaf-1333544854f7';
export const ORG_TWO = '11111111-2222-4333-8444-555555555555';
export const HOSTED_ZONE = 'b13c6a8a-6e9a-4bb9-8a0c-0db8c1a5a63f';
export const SECRET_ID = '9d1a0a51-9af6-4c6f-90ab-1a8b54e2b7b1';

/** A JWT-shaped Simplismart token (header.payload.signature), expiring far in the future, unique. */
export function fakeJwt(claims: Record<string, unknown> = {}): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const signature = Buffer.from(`sig-${Math.random()}`).toString('base64url');
  return `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc({ sub: 'api-key', exp: 4102444800, ...claims })}.${signature}`;
}

/** When the tests' time starts (ManualClock, and the requests built here). */
export const T0 = Date.UTC(2026, 10, 26, 9, 0, 0);

/**
 * The API document's "Example Request", field for field and in its order (with no overrides); the
 * overrides replace top-level fields.
 */
export function aBody(overrides: Partial<ImportClusterBody> = {}): ImportClusterBody {
  return {
    org: ORG,
    name: 'Production Cluster',
    slug: 'prod-cluster',
    hosted_zone: HOSTED_ZONE,
    cluster_hosted_on: 'aws',
    region: 'us-west-2',
    secret_id: SECRET_ID,
    avatar: { image_url: 'https://ui-avatars.com/api/?name=Production', font_color: '#FFFFFF', background_color: '#2563EB' },
    nodegroup_labels: [
      {
        name: 'gpu-pool',
        is_auxilliary: false,
        node_config: {
          machine_type: 'g5.2xlarge',
          capacity_type: 'ON_DEMAND',
          min_node_count: 0,
          max_node_count: 3,
          desired_count: 1,
          accelerator_type: 'nvidia-a10g',
          accelerator_count: 1,
        },
      },
    ],
    ...overrides,
  };
}

/**
 * An import request as the store holds it: Alice's, in the imports channel of TEAM, for `body`, no
 * approval needed, about to be sent. The overrides replace whole fields (`payload` wins over `body`).
 */
export function aRequest(overrides: Partial<ImportRequest> = {}, body: ImportClusterBody = aBody()): ImportRequest {
  return {
    id: 'ir-abcdefgh',
    kind: 'import_cluster',
    cluster: null,
    teamId: TEAM,
    enterpriseId: null,
    requesterId: ALICE,
    channelId: CHANNEL,
    sourceKey: 'V0FAKE00001',
    payload: JSON.stringify(body),
    state: 'approved',
    version: 1,
    approval: null,
    expiresAt: null,
    thread: null,
    threadPermalink: null,
    cards: [],
    outcome: null,
    responseUrl: null,
    replacesId: null,
    lease: null,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

/**
 * A request to add node groups `names` (the second one auxiliary) to cluster *Prod*, imported through the
 * bot, as the store holds it; otherwise as aRequest(). The overrides replace whole fields.
 */
export function aNodeGroupsRequest(names: readonly string[], overrides: Partial<ImportRequest> = {}): ImportRequest {
  const body = { org: ORG, nodegroup_labels: names.map((name, i) => ({ name, is_auxilliary: i === 1, node_config: { machine_type: 'g5.2xlarge' } })) };
  return aRequest({ kind: 'add_node_groups', cluster: { id: '1e99a854-26de-4c19-b6b6-68c7e03c39c3', name: 'Prod', thread: null }, payload: JSON.stringify(body), ...overrides });
}

/**
 * A request as submitted (what Store.createRequest takes): Alice's in TEAM, its body `{}`, waiting for one
 * approval until an hour after T0. Each call has its own id and source key unless given.
 */
let submitted = 0;
export function aNewRequest(overrides: Partial<NewImportRequest> = {}): NewImportRequest {
  submitted += 1;
  // What a submission fixes is aRequest()'s (the kind, the workspace, who and where), waiting for Bob.
  const { kind, cluster, teamId, enterpriseId, requesterId, channelId, responseUrl, replacesId } = aRequest();
  return {
    ...{ kind, cluster, teamId, enterpriseId, requesterId, channelId, responseUrl, replacesId },
    id: `ir-new${String(submitted).padStart(5, '2')}`,
    sourceKey: `V0NEW${submitted}`,
    payload: '{}',
    state: 'pending_approval',
    approval: { approvalsNeeded: 1, approverUserIds: [BOB], approverGroupIds: [], approvalsChannelId: null },
    expiresAt: T0 + 3_600_000,
    at: T0,
    note: 'submitted for approval',
    ...overrides,
  };
}

/**
 * The values of a complete, valid import form (one GPU node group), keyed by block id: with
 * `cluster_region: 'us-west-2'` it builds aBody() but for the slug and avatar, which it derives.
 */
export function validImportValues(overrides: Record<string, FillValue> = {}): Record<string, FillValue> {
  return {
    cluster_name: 'Production Cluster',
    cluster_provider: 'aws',
    ng_0_name: 'gpu-pool',
    ng_0_machineType: 'g5.2xlarge',
    ng_0_capacityType: 'ON_DEMAND',
    ng_0_minNodes: '0',
    ng_0_maxNodes: '3',
    ng_0_desiredNodes: '1',
    ng_0_acceleratorType: 'nvidia-a10g',
    ng_0_acceleratorCount: '1',
    ...overrides,
  };
}
