// The Metrics object on its own: a store that hangs or fails at scrape time leaves one series out
// (and says so) instead of hanging or failing /metrics; several bots in one process do not collide;
// label values come from fixed sets.
import { Writable } from 'node:stream';
import { register as globalRegistry } from 'prom-client';
import { measuredStore, operationOf } from '../../src/metrics/measuredStore.js';
import { OTHER, payloadTypeLabel, slackBodyResult, slackMethodLabel, statusClass } from '../../src/metrics/labels.js';
import { Metrics, SCRAPE_STORE_TIMEOUT_MS } from '../../src/metrics/metrics.js';
import { StoreUnavailableError } from '../../src/errors.js';
import { createLogger, SecretScrubber } from '../../src/process/logger.js';
import type { Store } from '../../src/store/store.js';
import { parseMetrics, valueOf } from '../support/metrics.js';

const logs: string[] = [];
const logger = createLogger({ level: 'warn', scrubber: new SecretScrubber(), destination: new Writable({ write: (chunk: Buffer, _encoding, done) => { logs.push(chunk.toString('utf8')); done(); } }) });
const P = 'simplismart_slack_';

function metricsWith(pendingApprovals: () => Promise<Record<string, number>>): Metrics {
  const metrics = new Metrics({ processMetrics: false });
  metrics.readFrom({ backlog: () => 3, slots: () => 1, pendingApprovals }, logger);
  return metrics;
}

describe('scrape-time gauges', () => {
  test('read when scraped: the backlog and the pending approvals by kind (0 for a kind with none)', async () => {
    const samples = parseMetrics(await metricsWith(async () => ({ import_cluster: 2 })).scrape());
    expect(valueOf(samples, `${P}background_tasks`)).toBe(3);
    expect(valueOf(samples, `${P}background_slots`)).toBe(1);
    expect(valueOf(samples, `${P}pending_approvals`, { kind: 'import_cluster' })).toBe(2);
    expect(valueOf(samples, `${P}pending_approvals`, { kind: 'add_node_groups' })).toBe(0);
  });

  test('a store that never answers: the scrape answers within the timeout, without the series, and counts it', async () => {
    let asked = 0;
    const metrics = metricsWith(() => {
      asked += 1;
      return new Promise(() => undefined);
    });
    const started = Date.now();
    const samples = parseMetrics(await metrics.scrape());
    expect(Date.now() - started).toBeLessThan(SCRAPE_STORE_TIMEOUT_MS + 1000);
    expect(valueOf(samples, `${P}pending_approvals`)).toBeUndefined();
    expect(valueOf(samples, `${P}scrape_errors_total`, { source: 'pending_approvals' })).toBe(1);
    expect(valueOf(samples, `${P}background_tasks`)).toBe(3);
    // The count still in flight is waited on again, not asked for once more per scrape.
    await metrics.scrape();
    expect(asked).toBe(1);
  });

  test('a store that fails: the series is left out (not a stale number), the scrape still answers', async () => {
    let fail = false;
    const metrics = metricsWith(async () => {
      if (fail) throw new StoreUnavailableError('the database is unreachable');
      return { import_cluster: 5 };
    });
    expect(valueOf(parseMetrics(await metrics.scrape()), `${P}pending_approvals`, { kind: 'import_cluster' })).toBe(5);
    fail = true;
    const samples = parseMetrics(await metrics.scrape());
    expect(valueOf(samples, `${P}pending_approvals`)).toBeUndefined();
    expect(valueOf(samples, `${P}scrape_errors_total`, { source: 'pending_approvals' })).toBe(1);
    expect(logs.some((line) => line.includes('could not count pending approvals'))).toBe(true);
  });
});

test('two bots in one process each have their own registry, with process metrics, and none on the global one', async () => {
  const one = new Metrics();
  const two = new Metrics();
  one.acked('command', 0.01);
  expect(valueOf(parseMetrics(await one.scrape()), `${P}ack_duration_seconds_count`, { type: 'command' })).toBe(1);
  const other = parseMetrics(await two.scrape());
  expect(valueOf(other, `${P}ack_duration_seconds_count`)).toBeUndefined();
  expect(valueOf(other, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  expect(globalRegistry.getMetricsAsArray().filter((m) => m.name.startsWith(P))).toEqual([]);
});

test('requestMoved: a final state counts the request and its time; leaving pending measures the wait', async () => {
  const metrics = new Metrics({ processMetrics: false });
  metrics.requestMoved('import_cluster', 'importing', 0, 5000);
  metrics.requestMoved('import_cluster', 'approved', 0, 90_000);
  metrics.requestMoved('add_node_groups', 'expired', 0, 3_600_000);
  metrics.requestMoved('not-a-kind', 'succeeded', 10_000, 4000);
  const samples = parseMetrics(await metrics.scrape());
  expect(valueOf(samples, `${P}requests_total`)).toBe(2);
  expect(valueOf(samples, `${P}requests_total`, { kind: 'add_node_groups', state: 'expired' })).toBe(1);
  expect(valueOf(samples, `${P}requests_total`, { kind: OTHER, state: 'succeeded' })).toBe(1);
  expect(valueOf(samples, `${P}request_duration_seconds_sum`, { kind: OTHER })).toBe(0);
  expect(valueOf(samples, `${P}approval_wait_seconds_sum`, { kind: 'import_cluster', decision: 'approved' })).toBe(90);
  expect(valueOf(samples, `${P}approval_wait_seconds_count`, { kind: 'add_node_groups', decision: 'expired' })).toBe(1);
});

describe('the measured store', () => {
  test('a failure is counted by operation class and passed on unchanged', async () => {
    const metrics = new Metrics({ processMetrics: false });
    const lost = new StoreUnavailableError('the database file is gone');
    const store = measuredStore(
      {
        engine: 'sqlite',
        getRequest: () => Promise.reject(lost),
        transition: () => Promise.reject(new Error('boom')),
        ping: () => Promise.reject(lost),
        listPending: () => Promise.resolve([]),
      } as unknown as Store,
      metrics,
    );
    expect(store.engine).toBe('sqlite');
    await expect(store.getRequest('ir-1')).rejects.toBe(lost);
    await expect(store.transition({ id: 'ir-1', from: ['approved'], to: 'importing', actorId: null, at: 0 })).rejects.toThrow('boom');
    await expect(store.ping()).rejects.toBe(lost);
    await expect(store.listPending({ teamId: 'T1' }, 10)).resolves.toEqual([]);
    const samples = parseMetrics(await metrics.scrape());
    expect(valueOf(samples, `${P}store_errors_total`, { operation: 'read', error: 'unavailable' })).toBe(1);
    expect(valueOf(samples, `${P}store_errors_total`, { operation: 'write', error: 'other' })).toBe(1);
    expect(valueOf(samples, `${P}store_errors_total`, { operation: 'health', error: 'unavailable' })).toBe(1);
    expect(valueOf(samples, `${P}store_errors_total`)).toBe(3);
  });

  test.each([
    ['getSnapshot', 'read'],
    ['listPending', 'read'],
    ['countPending', 'read'],
    ['homeViewers', 'read'],
    ['transition', 'write'],
    ['recordApproval', 'write'],
    ['consumeOAuthState', 'write'],
    ['ping', 'health'],
  ])('%s is a %s', (method, operation) => {
    expect(operationOf(method)).toBe(operation);
  });
});

describe('labels', () => {
  test.each([
    ['https://slack.com/api/chat.postMessage', 'chat.postMessage'],
    ['http://127.0.0.1:1234/api/views.open?x=1', 'views.open'],
    ['https://slack.com/api/admin.users.remove', OTHER],
    ['https://slack.com/api/U0ALICE001', OTHER],
  ])('the method of %s is %s', (url, method) => {
    expect(slackMethodLabel(url)).toBe(method);
  });

  test.each([
    ['{"ok":true,"channel":"C1"}', 'ok'],
    ['{ "ok" : true }', 'ok'],
    ['{"channel":"C1","ok":true}', 'ok'],
    ['{"ok":false,"error":"not_in_channel"}', 'not_in_channel'],
    ['{"ok":false,"error":"made_up_by_someone_U0ALICE001"}', 'other_error'],
    ['{"ok":false}', 'other_error'],
    ['<html>502</html>', 'invalid_response'],
  ])('a body %s is %s', (body, result) => {
    expect(slackBodyResult(body)).toBe(result);
  });

  test.each([
    [{ command: '/simplismart' }, 'command'],
    [{ type: 'view_submission' }, 'view_submission'],
    [{ type: 'block_suggestion' }, 'options'],
    [{ type: 'event_callback' }, 'event'],
    [{ type: 'shortcut' }, 'shortcut'],
    [{ type: 'anything else' }, OTHER],
    [undefined, OTHER],
  ])('payload %j acks as %s', (body, type) => {
    expect(payloadTypeLabel(body)).toBe(type);
  });

  test.each([
    [201, '2xx'],
    [302, '3xx'],
    [422, '4xx'],
    [504, '5xx'],
    [0, OTHER],
    [999, OTHER],
  ])('status %d is %s', (status, label) => {
    expect(statusClass(status)).toBe(label);
  });
});
