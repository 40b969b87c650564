// The Simplismart client against a real HTTP server on loopback: every way the import POST can end is
// classified, the POST is sent exactly once (never retried, never redirected), byte for byte.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ANSWER_BYTE_LIMIT, IMPORT_CLUSTER_PATH } from '../../src/domain/requestKinds.js';
import { SimplismartClient } from '../../src/simplismart/client.js';

interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

interface TestServer {
  url: string;
  requests: Recorded[];
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

const servers: TestServer[] = [];

async function startServer(handler: Handler): Promise<TestServer> {
  const requests: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const handle: TestServer = {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(handle);
  return handle;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function answer(status: number, body: string, contentType = 'application/json', headers: Record<string, string> = {}): Handler {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': contentType, ...headers });
    res.end(body);
  };
}

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJvcmdfdXVpZCI6InRlc3QifQ.dGVzdC1zaWduYXR1cmU';
const KUBECONFIG_SECRET = 'client-key-data-LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQ-UNIQUE-7f3a';

const BODY = {
  org: '54360212-2263-44c6-afaf-1333544854f7',
  name: 'Production Cluster',
  slug: 'prod-cluster',
  hosted_zone: 'b13c6a8a-6e9a-4bb9-8a0c-0db8c1a5a63f',
  cluster_hosted_on: 'aws',
  region: 'us-west-2',
  secret_id: '9d1a0a51-9af6-4c6f-90ab-1a8b54e2b7b1',
  avatar: { image_url: 'https://ui-avatars.com/api/?name=Production', font_color: '#FFFFFF', background_color: '#2563EB' },
  nodegroup_labels: [{ name: 'gpu-pool', is_auxilliary: false }],
};
const PAYLOAD = JSON.stringify(BODY);

/** An import request as the runner hands it to the client. */
function anImport(payload: string) {
  return { kind: 'import_cluster' as const, payload, cluster: null };
}

function client(url: string, timeoutMs = 2000): SimplismartClient {
  return new SimplismartClient({ baseUrl: url, timeoutMs });
}

async function importOnce(server: TestServer, timeoutMs?: number) {
  const outcome = await client(server.url, timeoutMs).send(TOKEN, anImport(PAYLOAD));
  // Give a retry (if there were one) the time to arrive before counting.
  await new Promise((r) => setTimeout(r, 30));
  expect(server.requests).toHaveLength(1);
  return outcome;
}

describe('the request', () => {
  it('POSTs to /infrastructure/clusters/existing with the bearer token and JSON', async () => {
    const server = await startServer(answer(201, JSON.stringify({ uuid: 'u-1' })));
    await importOnce(server);
    const [request] = server.requests;
    expect(request!.method).toBe('POST');
    expect(request!.url).toBe(`/${IMPORT_CLUSTER_PATH}`);
    expect(request!.url).toBe('/infrastructure/clusters/existing');
    expect(request!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers.accept).toContain('application/json');
  });

  it('sends the payload string byte for byte (spacing, key order and unicode as given)', async () => {
    const server = await startServer(answer(201, JSON.stringify({ uuid: 'u-1' })));
    const payload = `{ "name" : "Clúster ☁️ \\u00e9",\n  "org":"${BODY.org}", "slug":"s", "cluster_hosted_on":"oci", "region":null }`;
    await client(server.url).send(TOKEN, anImport(payload));
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.body.equals(Buffer.from(payload, 'utf8'))).toBe(true);
  });

  it('keeps a path in the base URL, with or without a trailing slash', async () => {
    const server = await startServer(answer(201, JSON.stringify({ uuid: 'u-1' })));
    await client(`${server.url}/api/v1`).send(TOKEN, anImport(PAYLOAD));
    await client(`${server.url}/api/v1/`).send(TOKEN, anImport(PAYLOAD));
    expect(server.requests.map((r) => r.url)).toEqual(['/api/v1/infrastructure/clusters/existing', '/api/v1/infrastructure/clusters/existing']);
  });
});

describe('201 Created', () => {
  it('is imported, with the cluster from the answer and the kubeconfig nowhere in the result', async () => {
    const server = await startServer(
      answer(
        201,
        JSON.stringify({
          uuid: '1e99a854-26de-4c19-b6b6-68c7e03c39c3',
          name: 'Production Cluster',
          status: 'active',
          cluster_hosted_on: 'aws',
          region: 'us-west-2',
          node_config: {},
          kubeconfig: { users: [{ user: { 'client-key-data': KUBECONFIG_SECRET } }] },
        }),
      ),
    );
    const outcome = await importOnce(server);
    expect(outcome).toEqual({
      kind: 'imported',
      cluster: { uuid: '1e99a854-26de-4c19-b6b6-68c7e03c39c3', name: 'Production Cluster', status: 'active', provider: 'aws', region: 'us-west-2' },
    });
    expect(JSON.stringify(outcome)).not.toContain(KUBECONFIG_SECRET);
    expect(JSON.stringify(outcome)).not.toContain('kubeconfig');
  });

  it('a kubeconfig given as a string is dropped too', async () => {
    const server = await startServer(answer(201, JSON.stringify({ uuid: 'u-2', kubeconfig: KUBECONFIG_SECRET, extra: KUBECONFIG_SECRET })));
    const outcome = await importOnce(server);
    expect(JSON.stringify(outcome)).not.toContain(KUBECONFIG_SECRET);
  });

  it('missing fields in the answer fall back to what was sent', async () => {
    const server = await startServer(answer(201, JSON.stringify({ uuid: 'u-3' })));
    expect(await importOnce(server)).toEqual({
      kind: 'imported',
      cluster: { uuid: 'u-3', name: 'Production Cluster', status: null, provider: 'aws', region: 'us-west-2' },
    });
  });

  it('a body that is not JSON: imported, with a note and the UUID unknown', async () => {
    const server = await startServer(answer(201, `<html>created</html>${KUBECONFIG_SECRET}`, 'text/html'));
    const outcome = await importOnce(server);
    expect(outcome).toEqual({
      kind: 'imported',
      cluster: { uuid: null, name: 'Production Cluster', status: null, provider: 'aws', region: 'us-west-2' },
      note: expect.stringContaining('not JSON'),
    });
    expect(JSON.stringify(outcome)).not.toContain(KUBECONFIG_SECRET);
  });

  it.each([
    ['without a uuid', JSON.stringify({ name: 'x', kubeconfig: KUBECONFIG_SECRET })],
    ['a list', '[]'],
    ['null', 'null'],
    ['empty', ''],
  ])('unexpected JSON (%s): imported, with a note', async (_what, text) => {
    const server = await startServer(answer(201, text));
    const outcome = await importOnce(server);
    expect(outcome).toMatchObject({ kind: 'imported', cluster: { uuid: null, name: 'Production Cluster' }, note: expect.any(String) });
    expect(JSON.stringify(outcome)).not.toContain(KUBECONFIG_SECRET);
  });
});

describe('answers that refuse the import', () => {
  it.each([
    [400, 'bad_request', { error: 'Region is required' }, 'Region is required'],
    [401, 'unauthorized', { detail: 'Invalid token.' }, 'Invalid token.'],
    [403, 'forbidden', { detail: 'You do not have permission to perform this action.' }, 'You do not have permission to perform this action.'],
    [404, 'not_found', { error: 'Not found' }, 'Not found'],
    [409, 'conflict', { error: "NodeGroup with name 'x' already exists in this cluster." }, "NodeGroup with name 'x' already exists in this cluster."],
    [422, 'validation_failed', { error: 'Failed to import cluster: <validation errors>' }, 'Failed to import cluster: <validation errors>'],
    [429, 'rate_limited', { detail: 'Request was throttled.' }, 'Request was throttled.'],
    [500, 'server_error', { error: 'Failed to import cluster: <reason>' }, 'Failed to import cluster: <reason>'],
    [503, 'unavailable', { error: 'Maintenance' }, 'Maintenance'],
    [413, 'too_large', {}, null],
    [418, 'client_error', { error: 'teapot' }, 'teapot'],
  ])('%d → rejected %s', async (status, code, body, message) => {
    const server = await startServer(answer(status, JSON.stringify(body)));
    expect(await importOnce(server)).toEqual({ kind: 'rejected', code, status, apiMessage: message, fieldErrors: [] });
  });

  it('field errors are passed on', async () => {
    const server = await startServer(answer(422, JSON.stringify({ nodegroup_labels: ['Names must be unique.'] })));
    expect(await importOnce(server)).toEqual({
      kind: 'rejected',
      code: 'validation_failed',
      status: 422,
      apiMessage: null,
      fieldErrors: [{ field: 'nodegroup_labels', messages: ['Names must be unique.'] }],
    });
  });

  it('a JSON error body with a problem+json type is read as JSON', async () => {
    const server = await startServer(answer(400, JSON.stringify({ detail: 'Bad' }), 'application/problem+json'));
    expect(await importOnce(server)).toMatchObject({ kind: 'rejected', apiMessage: 'Bad' });
  });

  it('a JSON error body sent as text/plain is still read as JSON', async () => {
    const server = await startServer(answer(400, JSON.stringify({ error: 'Region is required' }), 'text/plain'));
    expect(await importOnce(server)).toMatchObject({ kind: 'rejected', code: 'bad_request', apiMessage: 'Region is required' });
  });

  it('a 500 HTML page gives its title, never the page', async () => {
    const server = await startServer(answer(500, `<html><head><title>Server Error (500)</title></head><body>${'trace '.repeat(1000)}</body></html>`, 'text/html'));
    expect(await importOnce(server)).toEqual({ kind: 'rejected', code: 'server_error', status: 500, apiMessage: '(not JSON) Server Error (500)', fieldErrors: [] });
  });

  it('a 429 is not retried, even with Retry-After', async () => {
    const server = await startServer(answer(429, '{}', 'application/json', { 'retry-after': '0' }));
    expect(await importOnce(server)).toMatchObject({ kind: 'rejected', code: 'rate_limited' });
  });
});

describe('redirects: the bearer token never follows one', () => {
  it.each([301, 302, 303, 307, 308])('%d → rejected unexpected_redirect; the target receives nothing', async (status) => {
    const target = await startServer(answer(201, JSON.stringify({ uuid: 'stolen' })));
    const server = await startServer((_req, res) => {
      res.writeHead(status, { location: `${target.url}/infrastructure/clusters/existing` });
      res.end();
    });
    const outcome = await importOnce(server);
    expect(outcome).toMatchObject({ kind: 'rejected', code: 'unexpected_redirect', status });
    expect(target.requests).toHaveLength(0);
  });
});

describe('ambiguous endings: outcome unknown', () => {
  it.each([
    [502, 'bad_gateway'],
    [504, 'gateway_timeout'],
    [520, 'server_error_unknown'],
    [524, 'server_error_unknown'],
  ])('%d → unknown %s', async (status, code) => {
    const server = await startServer(answer(status, '<html><head><title>Gateway</title></head></html>', 'text/html'));
    expect(await importOnce(server)).toEqual({ kind: 'unknown', code, status, apiMessage: '(not JSON) Gateway' });
  });

  it('a server that never answers → unknown timeout, after the client’s timeout', async () => {
    const server = await startServer(() => undefined);
    const started = Date.now();
    const outcome = await importOnce(server, 300);
    expect(outcome).toEqual({ kind: 'unknown', code: 'timeout', status: null, apiMessage: null });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(server.requests[0]!.body.toString()).toBe(PAYLOAD);
  });

  it('a 201 whose body never finishes → unknown timeout (the client does not hang)', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(201, { 'content-type': 'application/json' });
      res.write('{"uuid": "u-');
    });
    const outcome = await importOnce(server, 300);
    expect(outcome).toMatchObject({ kind: 'unknown', code: 'timeout' });
  });

  it('the connection reset after the body was sent → unknown connection_lost', async () => {
    const server = await startServer((req) => {
      req.socket.destroy();
    });
    const outcome = await importOnce(server);
    expect(outcome).toEqual({ kind: 'unknown', code: 'connection_lost', status: null, apiMessage: null });
    expect(server.requests[0]!.body.toString()).toBe(PAYLOAD);
  });

  it('the connection reset in the middle of the answer → unknown connection_lost', async () => {
    const server = await startServer((req, res) => {
      res.writeHead(201, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"uuid"', () => req.socket.destroy());
    });
    expect(await importOnce(server)).toMatchObject({ kind: 'unknown', code: 'connection_lost' });
  });
});

/** What a streaming answer got out before the client went away. */
interface Streamed {
  written: number;
  /** The whole body was handed to the socket and ended. */
  finished: boolean;
  /** Resolves once the streaming stopped, either way. */
  done: Promise<void>;
}

/**
 * Answers `status` with `bytes` of body in 64 KB chunks, waiting for the socket to drain between them
 * (as a server does), chunked unless `declare` sends a Content-Length; stops when the client goes away.
 */
function streaming(status: number, bytes: number, declare = false): { handler: Handler; streamed: Streamed } {
  let stopped!: () => void;
  const streamed: Streamed = { written: 0, finished: false, done: new Promise((resolve) => (stopped = resolve)) };
  const handler: Handler = (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...(declare ? { 'content-length': String(bytes) } : {}) });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const next = (): void => {
      while (streamed.written < bytes && !res.destroyed) {
        const part = chunk.subarray(0, Math.min(chunk.length, bytes - streamed.written));
        streamed.written += part.length;
        if (!res.write(part)) {
          res.once('drain', next);
          return;
        }
      }
      if (!res.destroyed) {
        streamed.finished = true;
        res.end();
      }
      stopped();
    };
    res.once('close', stopped);
    next();
  };
  return { handler, streamed };
}

describe('answers larger than the cap (1 MB): never read whole, never a crash', () => {
  // The 64 MB: far more than socket buffers hold, so a server still writing shows the client hung up.
  const HUGE = 64 * 1024 * 1024;

  it('a 201 of 64 MB, chunked → outcome unknown answer_too_large; the client hangs up long before the server is done', async () => {
    const { handler, streamed } = streaming(201, HUGE);
    const server = await startServer(handler);
    expect(await importOnce(server)).toEqual({ kind: 'unknown', code: 'answer_too_large', status: 201, apiMessage: null });
    await streamed.done;
    expect(streamed.finished).toBe(false);
    expect(streamed.written).toBeLessThan(HUGE / 2);
  });

  it('a 201 declaring 64 MB → refused on its Content-Length, before its body', async () => {
    const { handler, streamed } = streaming(201, HUGE, true);
    const server = await startServer(handler);
    expect(await importOnce(server)).toEqual({ kind: 'unknown', code: 'answer_too_large', status: 201, apiMessage: null });
    await streamed.done;
    expect(streamed.finished).toBe(false);
  });

  it('a 201 of exactly 1 MB is read as any other', async () => {
    const head = '{"uuid": "1e99a854-26de-4c19-b6b6-68c7e03c39c3", "pad": "';
    const body = `${head}${'x'.repeat(ANSWER_BYTE_LIMIT - head.length - 2)}"}`;
    expect(Buffer.byteLength(body)).toBe(ANSWER_BYTE_LIMIT);
    const server = await startServer(answer(201, body));
    expect(await importOnce(server)).toMatchObject({ kind: 'imported', cluster: { uuid: '1e99a854-26de-4c19-b6b6-68c7e03c39c3' } });
  });

  it.each([
    [500, { kind: 'rejected', code: 'server_error', status: 500, apiMessage: '(an answer over 1 MB, not read)', fieldErrors: [] }],
    [422, { kind: 'rejected', code: 'validation_failed', status: 422, apiMessage: '(an answer over 1 MB, not read)', fieldErrors: [] }],
    [502, { kind: 'unknown', code: 'bad_gateway', status: 502, apiMessage: '(an answer over 1 MB, not read)' }],
  ])('a %i of 64 MB, chunked → classified by its status, its body said to be too large and not shown', async (status, expected) => {
    const { handler, streamed } = streaming(status, HUGE);
    const server = await startServer(handler);
    expect(await importOnce(server)).toEqual(expected);
    await streamed.done;
    expect(streamed.finished).toBe(false);
  });

  it('adding node groups: a 200 of 64 MB → outcome unknown too', async () => {
    const { handler } = streaming(200, HUGE);
    const server = await startServer(handler);
    const request = { kind: 'add_node_groups' as const, payload: '{}', cluster: { id: '1e99a854-26de-4c19-b6b6-68c7e03c39c3', name: null, thread: null } };
    expect(await client(server.url).send(TOKEN, request)).toEqual({ kind: 'unknown', code: 'answer_too_large', status: 200, apiMessage: null });
  });
});

describe('requests that never left', () => {
  it('connection refused → not_sent', async () => {
    const server = await startServer(answer(201, '{}'));
    const url = server.url;
    await server.close();
    servers.splice(servers.indexOf(server), 1);
    expect(await client(url).send(TOKEN, anImport(PAYLOAD))).toEqual({ kind: 'not_sent', code: 'connection_failed', detail: 'ECONNREFUSED' });
  });
});

describe('adding node groups', () => {
  const CLUSTER = '1e99a854-26de-4c19-b6b6-68c7e03c39c3';
  const NODE_GROUPS = JSON.stringify({ org: BODY.org, nodegroup_labels: [{ name: 'gpu-h100', is_auxilliary: false }] });
  const addNodeGroups = (payload = NODE_GROUPS) => ({ kind: 'add_node_groups' as const, payload, cluster: { id: CLUSTER, name: 'Prod', thread: null } });

  it('POSTs the payload byte for byte to the cluster’s node-groups endpoint; 200 → added, with Simplismart’s message', async () => {
    const server = await startServer(answer(200, JSON.stringify({ message: 'NodeGroup added successfully' })));
    expect(await client(server.url).send(TOKEN, addNodeGroups())).toEqual({ kind: 'node_groups_added', apiMessage: 'NodeGroup added successfully' });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.url).toBe(`/infrastructure/node-groups/${CLUSTER}/import-cluster`);
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(server.requests[0]!.body.equals(Buffer.from(NODE_GROUPS, 'utf8'))).toBe(true);
  });

  it('a 2xx whose body says nothing readable is still added', async () => {
    const server = await startServer(answer(201, '<html>ok</html>', 'text/html'));
    expect(await client(server.url).send(TOKEN, addNodeGroups())).toEqual({ kind: 'node_groups_added', apiMessage: null });
  });

  it.each([
    [400, { error: 'Cluster is not a kubernetes cluster' }, { kind: 'rejected', code: 'bad_request', apiMessage: 'Cluster is not a kubernetes cluster', fieldErrors: [] }],
    [404, { error: 'Cluster does not exist' }, { kind: 'rejected', code: 'not_found', apiMessage: 'Cluster does not exist', fieldErrors: [] }],
    [409, { error: "NodeGroup with name 'x' already exists in this cluster." }, { kind: 'rejected', code: 'conflict', apiMessage: "NodeGroup with name 'x' already exists in this cluster." }],
    [422, { nodegroup_labels: ['Only one node group can be auxiliary.'] }, { kind: 'rejected', code: 'validation_failed', apiMessage: null, fieldErrors: [{ field: 'nodegroup_labels', messages: ['Only one node group can be auxiliary.'] }] }],
    [502, { error: 'bad gateway' }, { kind: 'unknown', code: 'bad_gateway' }],
  ])('%i is classified as the import’s answers are', async (status, body, expected) => {
    const server = await startServer(answer(status, JSON.stringify(body)));
    expect(await client(server.url).send(TOKEN, addNodeGroups())).toMatchObject({ ...expected, status });
    await new Promise((r) => setTimeout(r, 30));
    expect(server.requests).toHaveLength(1);
  });
});
