// A local Simplismart API over real HTTP — POST /infrastructure/clusters/existing (import) and
// POST /infrastructure/node-groups/{cluster_id}/import-cluster (add node groups): documented answers,
// bodies checked strictly against the contract, recorded requests, injectable faults.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { freePort, startLocalServer, Waits } from './localServer.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- request bodies are arbitrary JSON. */
type Json = any;

export const IMPORT_PATH = '/infrastructure/clusters/existing';
/** `/infrastructure/node-groups/{cluster_id}/import-cluster` */
export const NODE_GROUPS_PATH = /^\/infrastructure\/node-groups\/([^/]+)\/import-cluster$/;
export function nodeGroupsPath(clusterId: string): string {
  return `/infrastructure/node-groups/${clusterId}/import-cluster`;
}

/** Appears in every kubeconfig the fake returns (as the user token): it must never reach Slack or the logs. */
export const FAKE_KUBECONFIG_SECRET = 'fake-kubeconfig-token-7Qm2xV9pLr4sZ8wK-NEVER-POST-THIS';

export const PROVIDERS = ['aws', 'gcp', 'azure', 'oci', 'kubernetes', 'e2e', 'shakti-cloud'] as const;

export interface SimplismartRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Raw body text. */
  body: string;
  /** Parsed body; undefined when it is not JSON. */
  json: Json;
  at: number;
  /** What happened: answered with `status`, left hanging, the socket was reset, or a streamed answer was cut off by the client. */
  outcome?: 'answered' | 'hung' | 'reset' | 'cut';
  status?: number;
  /** Body sent back (raw text); not kept for a streamed answer. */
  responseBody?: string;
  /** A streamed answer: the bytes of body handed to the socket before it ended or the client went away. */
  streamedBytes?: number;
}

export interface ImportedCluster {
  uuid: string;
  org: string;
  slug: string;
  name: string;
  body: Json;
  at: number;
  /** Every node group the cluster has: its import's, then those added. */
  nodeGroups: Array<{ name: string; is_auxilliary: boolean }>;
  /** False for a cluster Simplismart says is not a Kubernetes cluster (its node-groups endpoint answers 400). */
  kubernetes: boolean;
}

/** A fault or a canned answer. `commit: true` = also perform the import (if it would have succeeded) before faulting. */
export type SimplismartBehaviour =
  /** Answer this instead of the normal response (body as JSON, or rawBody verbatim). */
  | {
      kind: 'respond';
      status: number;
      body?: unknown;
      rawBody?: string;
      contentType?: string;
      headers?: Record<string, string>;
      delayMs?: number;
      commit?: boolean;
    }
  /** Handle normally (the import is committed on arrival) but answer only after delayMs: a client timeout leaves the outcome unknown. */
  | { kind: 'delay'; delayMs: number }
  /**
   * Answer `status` with `bytes` of body (STREAMED_FILLER repeated), streamed in 64 KB chunks a tick
   * apart as they are written, chunked — or with a Content-Length when `declareLength` — until done or
   * until the client goes away (then the request's outcome is `cut`).
   */
  | { kind: 'stream'; status: number; bytes: number; declareLength?: boolean; contentType?: string; commit?: boolean }
  /** Read the body, never answer. */
  | { kind: 'hang'; commit?: boolean }
  /** Read the body, then destroy the socket without answering (ECONNRESET / "socket hang up"). */
  | { kind: 'reset'; commit?: boolean; delayMs?: number };

/** Ready-made behaviours for the failure shapes Simplismart (and the proxies in front of it) produce. */
export const simplismartFaults = {
  serverError: (reason = 'internal error'): SimplismartBehaviour => ({
    kind: 'respond',
    status: 500,
    body: { error: `Failed to import cluster: ${reason}` },
  }),
  /** The documented trap: a 500 although the cluster was in fact created (a retry then says "already exists"). */
  serverErrorButCreated: (reason = 'internal error'): SimplismartBehaviour => ({
    kind: 'respond',
    status: 500,
    body: { error: `Failed to import cluster: ${reason}` },
    commit: true,
  }),
  badGatewayHtml: (): SimplismartBehaviour => ({
    kind: 'respond',
    status: 502,
    contentType: 'text/html',
    rawBody:
      '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
  }),
  serviceUnavailable: (): SimplismartBehaviour => ({
    kind: 'respond',
    status: 503,
    contentType: 'text/plain',
    rawBody: 'upstream connect error or disconnect/reset before headers. reset reason: connection failure',
  }),
  /** 201 whose body is cut off mid-JSON (created, but the answer cannot be read). */
  createdInvalidJson: (): SimplismartBehaviour => ({
    kind: 'respond',
    status: 201,
    contentType: 'application/json',
    rawBody: '{"uuid": "1e99a854-26de-4c19-b6b6-68c7e03c39c3", "name": "Produ',
    commit: true,
  }),
  /** 201 with JSON that is not the documented shape. */
  createdUnexpectedBody: (body: unknown = { message: 'Cluster import queued' }): SimplismartBehaviour => ({
    kind: 'respond',
    status: 201,
    body,
    commit: true,
  }),
  fieldErrors: (errors: Record<string, string[]> = { name: ['This field may not be blank.'] }, status = 422): SimplismartBehaviour => ({
    kind: 'respond',
    status,
    body: errors,
  }),
  nonFieldErrors: (messages: string[] = ['Only one node group can be auxiliary.'], status = 400): SimplismartBehaviour => ({
    kind: 'respond',
    status,
    body: { non_field_errors: messages },
  }),
  detailFieldErrors: (errors: Record<string, string[]> = { slug: ['cluster with this slug already exists.'] }, status = 422): SimplismartBehaviour => ({
    kind: 'respond',
    status,
    body: { detail: errors },
  }),
  slow: (delayMs: number): SimplismartBehaviour => ({ kind: 'delay', delayMs }),
  hang: (commit = false): SimplismartBehaviour => ({ kind: 'hang', commit }),
  reset: (commit = false): SimplismartBehaviour => ({ kind: 'reset', commit }),
};

/** What a streamed answer's body is made of: a marker no log line, message or stored request may contain. */
export const STREAMED_FILLER = 'streamed-answer-filler-';

export interface FakeSimplismartOptions {
  /** token → org UUID */
  tokens?: Record<string, string>;
}

export interface FakeSimplismart {
  /** Base URL (no trailing slash), e.g. http://127.0.0.1:12345 */
  readonly url: string;
  readonly requests: SimplismartRequest[];
  /** Clusters created so far (including ones created behind a fault with commit). */
  readonly clusters: ImportedCluster[];
  addToken(token: string, orgUuid: string): void;
  /** Every token this API ever accepted (start options and added), for the secrets audit. */
  everyToken(): string[];
  /**
   * Everything the bot sent here (method, path, headers but Authorization, body), kept across reset():
   * what the secrets audit reads. The Authorization header is where the workspace's token belongs.
   */
  readonly transcript: string[];
  /** Forget a token: it then answers 401 Invalid token (as an expired or deleted API key does). */
  removeToken(token: string): void;
  /** Number of clusters created through the import endpoint. */
  importCount(): number;
  /** Requests to the import endpoint. */
  importRequests(): SimplismartRequest[];
  /** Requests to the node-groups endpoint (any cluster). */
  nodeGroupRequests(): SimplismartRequest[];
  /** A cluster imported elsewhere (not through the bot), in `org`, with these node groups; returns it. */
  seedCluster(cluster: { org: string; name: string; nodeGroups?: string[]; kubernetes?: boolean }): ImportedCluster;
  /** Persistent behaviour for every request until changed; null restores normal behaviour. */
  setBehaviour(behaviour: SimplismartBehaviour | null): void;
  /** One-shot behaviour for the next request (queued; takes precedence over setBehaviour). */
  nextResponse(behaviour: SimplismartBehaviour): void;
  /** Resolves once `count` (default 1) requests matching `predicate` have arrived; rejects after timeoutMs (default 2000). */
  waitForRequest(predicate?: (r: SimplismartRequest) => boolean, options?: { timeoutMs?: number; count?: number }): Promise<SimplismartRequest[]>;
  /** Forget requests, clusters, behaviours; tokens back to the start options. */
  reset(): void;
  close(): Promise<void>;
}

/** A URL on 127.0.0.1 whose port was just bound and released: connecting is refused (ECONNREFUSED). */
export async function refusedUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SLUG = /^[-a-zA-Z0-9_]+$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

function nodeConfigErrors(config: unknown, path: string): string[] {
  if (!isObject(config)) return [`${path}: Expected an object.`];
  const errors: string[] = [];
  const str = (key: string) => {
    if (config[key] !== undefined && typeof config[key] !== 'string') errors.push(`${path}.${key}: Not a valid string.`);
  };
  const int = (key: string) => {
    if (config[key] !== undefined && (!isInt(config[key]) || config[key] < 0)) {
      errors.push(`${path}.${key}: A valid non-negative integer is required.`);
    }
  };
  str('machine_type');
  str('accelerator_type');
  if (config.capacity_type !== undefined && config.capacity_type !== 'ON_DEMAND' && config.capacity_type !== 'SPOT') {
    errors.push(`${path}.capacity_type: ${JSON.stringify(config.capacity_type)} is not a valid choice.`);
  }
  for (const key of ['min_node_count', 'max_node_count', 'desired_count', 'accelerator_count', 'vcpu', 'memory']) int(key);
  return errors;
}

/** Field errors for a list of node groups, as either endpoint checks it (Django REST-style messages). */
function nodeGroupErrors(groups: unknown): string[] {
  const errors: string[] = [];
  if (!Array.isArray(groups)) return ['nodegroup_labels: Expected a list of items.'];
  if (groups.length === 0) return ['nodegroup_labels: At least one node group is required.'];
  const names = new Set<string>();
  let auxiliaries = 0;
  groups.forEach((group: unknown, i: number) => {
    const path = `nodegroup_labels[${i}]`;
    if (!isObject(group)) {
      errors.push(`${path}: Expected an object.`);
      return;
    }
    const unknown = Object.keys(group).filter((k) => !['name', 'is_auxilliary', 'node_config'].includes(k));
    for (const key of unknown) errors.push(`${path}.${key}: Unexpected field.`);
    if (typeof group.name !== 'string' || group.name === '') errors.push(`${path}.name: This field is required.`);
    else if (names.has(group.name)) errors.push(`${path}.name: Node group names must be unique ('${group.name}').`);
    else names.add(group.name);
    if (typeof group.is_auxilliary !== 'boolean') errors.push(`${path}.is_auxilliary: This field is required (a boolean).`);
    else if (group.is_auxilliary) auxiliaries += 1;
    if (group.node_config !== undefined && group.node_config !== null) errors.push(...nodeConfigErrors(group.node_config, `${path}.node_config`));
  });
  if (auxiliaries > 1) errors.push('nodegroup_labels: Only one node group can be auxiliary.');
  return errors;
}

/** Field errors for an import body whose region check already passed (Django REST-style messages). */
function importBodyErrors(body: Record<string, unknown>): string[] {
  const errors: string[] = [];
  const required = (key: string): boolean => {
    if (body[key] === undefined || body[key] === null) {
      errors.push(`${key}: This field is required.`);
      return false;
    }
    return true;
  };
  if (required('org') && (typeof body.org !== 'string' || !UUID.test(body.org))) errors.push('org: Must be a valid UUID.');
  if (required('name') && (typeof body.name !== 'string' || body.name.trim() === '')) errors.push('name: This field may not be blank.');
  if (required('slug') && (typeof body.slug !== 'string' || !SLUG.test(body.slug))) {
    errors.push('slug: Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.');
  }
  for (const key of ['hosted_zone', 'secret_id']) {
    if (required(key) && (typeof body[key] !== 'string' || !UUID.test(body[key]))) errors.push(`${key}: Must be a valid UUID.`);
  }
  if (required('cluster_hosted_on') && !(PROVIDERS as readonly unknown[]).includes(body.cluster_hosted_on)) {
    errors.push(`cluster_hosted_on: ${JSON.stringify(body.cluster_hosted_on)} is not a valid choice.`);
  }
  if (!('region' in body)) errors.push('region: This field is required.');
  else if (body.region !== null && typeof body.region !== 'string') errors.push('region: Not a valid string.');
  if (required('avatar')) {
    if (!isObject(body.avatar)) errors.push('avatar: Expected an object.');
    else {
      for (const key of ['image_url', 'font_color', 'background_color']) {
        if (typeof body.avatar[key] !== 'string' || body.avatar[key] === '') errors.push(`avatar.${key}: This field is required.`);
      }
    }
  }
  if (required('nodegroup_labels')) errors.push(...nodeGroupErrors(body.nodegroup_labels));
  if (body.service_type !== undefined && body.service_type !== 'LoadBalancer' && body.service_type !== 'NodePort') {
    errors.push(`service_type: ${JSON.stringify(body.service_type)} is not a valid choice.`);
  }
  if (body.service_type === 'NodePort') {
    if (typeof body.public_ip !== 'string' || body.public_ip === '') errors.push('public_ip: This field is required for NodePort.');
    for (const key of ['node_port_http', 'node_port_https']) {
      if (!isInt(body[key])) errors.push(`${key}: A valid integer is required for NodePort.`);
    }
  } else {
    for (const key of ['node_port_http', 'node_port_https']) {
      if (body[key] !== undefined && body[key] !== null && !isInt(body[key])) errors.push(`${key}: A valid integer is required.`);
    }
  }
  if (body.node_config !== undefined && body.node_config !== null) errors.push(...nodeConfigErrors(body.node_config, 'node_config'));
  if (body.cluster_tools !== undefined && body.cluster_tools !== null) {
    if (!isObject(body.cluster_tools)) errors.push('cluster_tools: Expected an object.');
    else {
      for (const [category, ids] of Object.entries(body.cluster_tools)) {
        if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string' || !UUID.test(id))) {
          errors.push(`cluster_tools.${category}: Expected a list of UUIDs.`);
        }
      }
    }
  }
  return errors;
}

function kubeconfigFor(slug: string, region: string | null): Json {
  const user = `${slug}-admin`;
  return {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': slug,
    clusters: [
      {
        name: slug,
        cluster: {
          server: `https://4F1D2C9E7B3A.gr7.${region ?? 'us-west-2'}.eks.amazonaws.com`,
          'certificate-authority-data': 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUZBS0VDQV9OT1RfUkVBTAotLS0tLUVORCBDRVJUSUZJQ0FURS0tLS0tCg==',
        },
      },
    ],
    contexts: [{ name: slug, context: { cluster: slug, user } }],
    users: [{ name: user, user: { token: FAKE_KUBECONFIG_SECRET } }],
    preferences: {},
  };
}

/** Starts a fake Simplismart API on 127.0.0.1 (free port). */
export async function startFakeSimplismart(options: FakeSimplismartOptions = {}): Promise<FakeSimplismart> {
  const requests: SimplismartRequest[] = [];
  const clusters: ImportedCluster[] = [];
  let tokens = new Map(Object.entries(options.tokens ?? {}));
  const everToken = new Set(tokens.keys());
  const transcript: string[] = [];
  let persistent: SimplismartBehaviour | null = null;
  let queue: SimplismartBehaviour[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const waits = new Waits();
  const notify = () => waits.changed();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  /** The org a request's bearer token belongs to, or the documented 401 answer. */
  const authenticate = (req: IncomingMessage): { org: string } | { status: number; body: Json } => {
    const auth = String(req.headers.authorization ?? '');
    const token = /^Bearer ([^\s]+)$/.exec(auth)?.[1];
    if (!token) return { status: 401, body: { detail: 'Authentication credentials were not provided.' } };
    const org = tokens.get(token);
    if (org === undefined) return { status: 401, body: { detail: 'Invalid token.' } };
    return { org };
  };

  /**
   * The node-groups endpoint: the body must be exactly `{org, nodegroup_labels}` (the same node-group
   * objects); 404 for a cluster it does not know (in the token's org), 400 for one that is not a
   * Kubernetes cluster, 409 for a name the cluster has, 422 `{"nodegroup_labels": [...]}` for bad groups.
   */
  const nodeGroupsAnswer = (req: IncomingMessage, record: SimplismartRequest, clusterId: string): { status: number; body: Json } => {
    if (req.method !== 'POST') return { status: 405, body: { detail: `Method "${String(req.method)}" not allowed.` } };
    const auth = authenticate(req);
    if (!('org' in auth)) return auth;
    if (record.json === undefined) return { status: 400, body: { error: 'Invalid JSON' } };
    if (!isObject(record.json)) return { status: 422, body: { non_field_errors: ['Expected a JSON object.'] } };
    const body = record.json;
    const fieldErrors: Record<string, string[]> = {};
    for (const key of Object.keys(body).filter((k) => k !== 'org' && k !== 'nodegroup_labels')) fieldErrors[key] = ['Unexpected field.'];
    if (typeof body.org !== 'string' || !UUID.test(body.org)) fieldErrors['org'] = ['Must be a valid UUID.'];
    if (Object.keys(fieldErrors).length > 0) return { status: 422, body: fieldErrors };
    if (String(body.org).toLowerCase() !== auth.org.toLowerCase()) return { status: 403, body: { detail: 'You do not have permission to perform this action.' } };
    const cluster = clusters.find((c) => c.uuid.toLowerCase() === clusterId.toLowerCase() && c.org.toLowerCase() === auth.org.toLowerCase());
    if (cluster === undefined) return { status: 404, body: { error: 'Cluster does not exist' } };
    if (!cluster.kubernetes) return { status: 400, body: { error: 'Cluster is not a kubernetes cluster' } };
    const groupErrors = nodeGroupErrors(body.nodegroup_labels);
    if (groupErrors.length > 0) return { status: 422, body: { nodegroup_labels: groupErrors } };
    const groups = body.nodegroup_labels as Array<{ name: string; is_auxilliary: boolean }>;
    const taken = groups.find((g) => cluster.nodeGroups.some((existing) => existing.name === g.name));
    if (taken !== undefined) return { status: 409, body: { error: `NodeGroup with name '${taken.name}' already exists in this cluster.` } };
    if (groups.some((g) => g.is_auxilliary) && cluster.nodeGroups.some((g) => g.is_auxilliary)) {
      return { status: 422, body: { nodegroup_labels: ['Only one node group can be auxiliary.'] } };
    }
    cluster.nodeGroups.push(...groups.map((g) => ({ name: g.name, is_auxilliary: g.is_auxilliary })));
    return { status: 200, body: { message: 'NodeGroup added successfully' } };
  };

  /** The normal answer; creates the cluster (or adds its node groups) when it succeeds. */
  const normalAnswer = (req: IncomingMessage, record: SimplismartRequest): { status: number; body: Json } => {
    const path = record.path;
    const nodeGroupsFor = NODE_GROUPS_PATH.exec(path)?.[1];
    if (nodeGroupsFor !== undefined) return nodeGroupsAnswer(req, record, decodeURIComponent(nodeGroupsFor));
    if (path !== IMPORT_PATH) return { status: 404, body: { detail: 'Not found.' } };
    if (req.method !== 'POST') return { status: 405, body: { detail: `Method "${String(req.method)}" not allowed.` } };

    const auth = authenticate(req);
    if (!('org' in auth)) return auth;
    const { org } = auth;

    if (record.json === undefined) return { status: 400, body: { error: 'Invalid JSON' } };
    if (!isObject(record.json)) return { status: 422, body: { error: 'Failed to import cluster: Expected a JSON object.' } };
    const body = record.json;
    if (typeof body.org === 'string' && body.org.toLowerCase() !== org.toLowerCase()) {
      return { status: 403, body: { detail: 'You do not have permission to perform this action.' } };
    }
    if ((body.cluster_hosted_on === 'aws' || body.cluster_hosted_on === 'gcp') && (typeof body.region !== 'string' || body.region.trim() === '')) {
      return { status: 400, body: { error: 'Region is required' } };
    }
    const errors = importBodyErrors(body);
    if (errors.length > 0) return { status: 422, body: { error: `Failed to import cluster: ${errors.join('; ')}` } };
    const slug = String(body.slug);
    if (clusters.some((c) => c.org.toLowerCase() === org.toLowerCase() && c.slug === slug)) {
      return { status: 422, body: { error: `Failed to import cluster: cluster with slug '${slug}' already exists` } };
    }
    const groups = body.nodegroup_labels as Json[];
    const cluster: ImportedCluster = {
      uuid: randomUUID(),
      org,
      slug,
      name: String(body.name),
      body: structuredClone(body),
      at: Date.now(),
      nodeGroups: groups.map((g) => ({ name: String(g.name), is_auxilliary: g.is_auxilliary === true })),
      kubernetes: true,
    };
    clusters.push(cluster);
    return {
      status: 201,
      body: {
        uuid: cluster.uuid,
        name: cluster.name,
        status: 'active',
        cluster_hosted_on: body.cluster_hosted_on,
        region: body.region ?? null,
        node_config: body.node_config ?? groups[0]?.node_config ?? {},
        kubeconfig: kubeconfigFor(slug, typeof body.region === 'string' ? body.region : null),
      },
    };
  };

  const answer = (res: ServerResponse, record: SimplismartRequest, status: number, text: string, contentType: string, headers: Record<string, string> = {}) => {
    record.outcome = 'answered';
    record.status = status;
    record.responseBody = text;
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text).toString(), ...headers });
    res.end(text);
    notify();
  };

  /** A streamed answer (behaviour `stream`), paced and waiting for the socket to drain, stopped when the client goes away. */
  const stream = async (res: ServerResponse, record: SimplismartRequest, behaviour: Extract<SimplismartBehaviour, { kind: 'stream' }>) => {
    record.status = behaviour.status;
    record.streamedBytes = 0;
    const headers: Record<string, string> = { 'content-type': behaviour.contentType ?? 'application/json' };
    if (behaviour.declareLength === true) headers['content-length'] = String(behaviour.bytes);
    res.writeHead(behaviour.status, headers);
    const chunk = Buffer.from(STREAMED_FILLER.repeat(Math.ceil((64 * 1024) / STREAMED_FILLER.length)).slice(0, 64 * 1024));
    const gone = () => res.destroyed || res.writableEnded;
    while (record.streamedBytes < behaviour.bytes && !gone()) {
      const part = chunk.subarray(0, Math.min(chunk.length, behaviour.bytes - record.streamedBytes));
      record.streamedBytes += part.length;
      if (!res.write(part)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            res.off('drain', done);
            res.off('close', done);
            resolve();
          };
          res.on('drain', done);
          res.on('close', done);
        });
      }
      // A tick between chunks, as a network delivers them: the client reads (and may hang up) meanwhile.
      await sleep(1);
    }
    const whole = record.streamedBytes >= behaviour.bytes && !res.destroyed;
    record.outcome = whole ? 'answered' : 'cut';
    if (whole) res.end();
    notify();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, raw: string) => {
    let json: Json;
    try {
      json = raw.trim() === '' ? undefined : JSON.parse(raw);
    } catch {
      json = undefined;
    }
    const record: SimplismartRequest = {
      method: String(req.method),
      path: new URL(req.url ?? '/', 'http://127.0.0.1').pathname,
      headers: { ...req.headers },
      body: raw,
      json,
      at: Date.now(),
    };
    requests.push(record);
    const { authorization: _authorization, ...headers } = req.headers;
    transcript.push(`${record.method} ${record.path} ${JSON.stringify(headers)} ${raw}`);
    notify();

    const behaviour = queue.shift() ?? persistent;
    if (!behaviour) {
      const { status, body } = normalAnswer(req, record);
      answer(res, record, status, JSON.stringify(body), 'application/json');
      return;
    }
    switch (behaviour.kind) {
      case 'delay': {
        const { status, body } = normalAnswer(req, record);
        await sleep(behaviour.delayMs);
        answer(res, record, status, JSON.stringify(body), 'application/json');
        return;
      }
      case 'hang':
        if (behaviour.commit) normalAnswer(req, record);
        record.outcome = 'hung';
        notify();
        return;
      case 'reset':
        if (behaviour.commit) normalAnswer(req, record);
        if (behaviour.delayMs) await sleep(behaviour.delayMs);
        record.outcome = 'reset';
        req.socket.destroy();
        notify();
        return;
      case 'stream':
        if (behaviour.commit) normalAnswer(req, record);
        await stream(res, record, behaviour);
        return;
      case 'respond': {
        if (behaviour.commit) normalAnswer(req, record);
        if (behaviour.delayMs) await sleep(behaviour.delayMs);
        const text = behaviour.rawBody ?? JSON.stringify(behaviour.body ?? {});
        const type = behaviour.contentType ?? (behaviour.rawBody !== undefined ? 'text/plain' : 'application/json');
        answer(res, record, behaviour.status, text, type, behaviour.headers);
        return;
      }
    }
  };

  const server = await startLocalServer('fake simplismart', handle);

  return {
    url: server.url,
    requests,
    clusters,
    everyToken: () => [...everToken],
    transcript,
    addToken(token, orgUuid) {
      everToken.add(token);
      tokens.set(token, orgUuid);
    },
    removeToken(token) {
      tokens.delete(token);
    },
    importCount: () => clusters.filter((c) => c.body !== null).length,
    importRequests: () => requests.filter((r) => r.path === IMPORT_PATH),
    nodeGroupRequests: () => requests.filter((r) => NODE_GROUPS_PATH.test(r.path)),
    seedCluster({ org, name, nodeGroups = ['cpu-pool'], kubernetes = true }) {
      const cluster: ImportedCluster = {
        uuid: randomUUID(),
        org,
        slug: name.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
        name,
        body: null,
        at: Date.now(),
        nodeGroups: nodeGroups.map((n) => ({ name: n, is_auxilliary: false })),
        kubernetes,
      };
      clusters.push(cluster);
      return cluster;
    },
    setBehaviour(behaviour) {
      persistent = behaviour;
    },
    nextResponse(behaviour) {
      queue.push(behaviour);
    },
    waitForRequest(predicate, opts = {}) {
      const count = opts.count ?? 1;
      const timeoutMs = opts.timeoutMs ?? 2000;
      const matching = () => requests.filter((r) => !predicate || predicate(r));
      return waits.until(matching, count, timeoutMs, () => {
        const seen = requests.map((r) => `  ${r.method} ${r.path} → ${r.outcome ?? 'pending'}${r.status ? ` ${r.status}` : ''}`).join('\n');
        return `fakeSimplismart.waitForRequest timed out after ${timeoutMs} ms: ${matching().length} of ${count}. Requests:\n${seen || '(none)'}`;
      });
    },
    reset() {
      requests.length = 0;
      clusters.length = 0;
      tokens = new Map(Object.entries(options.tokens ?? {}));
      persistent = null;
      queue = [];
    },
    close() {
      waits.closing('fakeSimplismart closed while a waitForRequest was pending');
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return server.close();
    },
  };
}
