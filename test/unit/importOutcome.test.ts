// How each outcome is told to people: a headline, the API's own message, and the next step.
import type { ImportOutcome } from '../../src/domain/importRequest.js';
import { describeOutcome } from '../../src/views/importOutcome.js';

const ctx = { timeoutMs: 30_000 };
const CHECK_CONSOLE = /^Outcome unknown — check the Simplismart console before retrying/;

function rejected(code: string, status: number | null, apiMessage: string | null, extra: Partial<Extract<ImportOutcome, { kind: 'rejected' }>> = {}): ImportOutcome {
  return { kind: 'rejected', code, status, apiMessage, fieldErrors: [], ...extra };
}

function unknown(code: string, status: number | null = null, apiMessage: string | null = null): ImportOutcome {
  return { kind: 'unknown', code, status, apiMessage };
}

describe('describeOutcome', () => {
  it('imported: success, with the next step', () => {
    const d = describeOutcome({ kind: 'imported', cluster: { uuid: 'u', name: 'n', status: 'active', provider: 'aws', region: 'us-west-2' } }, ctx);
    expect(d).toMatchObject({ tone: 'success', headline: 'Imported into Simplismart.', apiMessage: null, retryNeedsCare: false });
    expect(d.nextStep).toMatch(/\S/);
  });

  it('imported with a note: the note is the next step', () => {
    const d = describeOutcome({ kind: 'imported', cluster: { uuid: null, name: 'n', status: null, provider: 'aws', region: null }, note: 'Find it in the console.' }, ctx);
    expect(d.nextStep).toBe('Find it in the console.');
  });

  it('400 about the region: the document’s Solution line', () => {
    const d = describeOutcome(rejected('bad_request', 400, 'Region is required'), ctx);
    expect(d).toMatchObject({ tone: 'failure', apiMessage: 'Region is required', retryNeedsCare: false });
    expect(d.headline).toContain('(400)');
    expect(d.nextStep).toMatch(/^Add the `region` field for AWS or GCP clusters/);
  });

  it('400 about something else: correct what Simplismart names', () => {
    const d = describeOutcome(rejected('bad_request', 400, 'Cluster is not a kubernetes cluster'), ctx);
    expect(d.nextStep).not.toMatch(/region/);
    expect(d.nextStep).toMatch(/Correct what Simplismart names/);
  });

  it('422: check that all required fields are present', () => {
    const d = describeOutcome(rejected('validation_failed', 422, 'Failed to import cluster: bad slug'), ctx);
    expect(d.apiMessage).toBe('Failed to import cluster: bad slug');
    expect(d.nextStep).toMatch(/^Check that all required fields are present and correctly formatted/);
  });

  it('422 with field errors passes them on', () => {
    const fieldErrors = [{ field: 'slug', messages: ['bad'] }];
    expect(describeOutcome(rejected('validation_failed', 422, null, { fieldErrors }), ctx).fieldErrors).toEqual(fieldErrors);
  });

  it('500: check the console first, then contact support; retry needs care', () => {
    const d = describeOutcome(rejected('server_error', 500, 'Failed to import cluster: boom'), ctx);
    expect(d.retryNeedsCare).toBe(true);
    expect(d.nextStep).toMatch(/^Check the Simplismart console first/);
    expect(d.nextStep).toMatch(/contact Simplismart support/i);
    expect(d.nextStep.indexOf('console')).toBeLessThan(d.nextStep.indexOf('support'));
  });

  it('401: an admin reconnects with /simplismart connect', () => {
    const d = describeOutcome(rejected('unauthorized', 401, 'Invalid token.'), ctx);
    expect(d.apiMessage).toBe('Invalid token.');
    expect(d.headline).toMatch(/did not accept the API token/);
    expect(d.nextStep).toContain('`/simplismart connect`');
    expect(d.nextStep).not.toContain('SIMPLISMART_TOKEN');
  });

  it('401 with the bot’s fallback token: SIMPLISMART_TOKEN is named too', () => {
    const d = describeOutcome(rejected('unauthorized', 401, 'Invalid token.', { tokenSource: 'fallback' }), ctx);
    expect(d.nextStep).toContain('SIMPLISMART_TOKEN');
    expect(d.nextStep).toContain('/simplismart connect');
  });

  it('403: permissions', () => {
    const d = describeOutcome(rejected('forbidden', 403, 'You do not have permission to perform this action.'), ctx);
    expect(d.headline).toMatch(/not allowed/);
    expect(d.nextStep).toMatch(/permission/);
    expect(d.nextStep).toMatch(/organisation UUID/);
  });

  it.each([
    ['not_found', 404, /SIMPLISMART_API_URL/],
    ['conflict', 409, /another name and slug/],
    ['too_large', 413, /fewer node groups/],
    ['rate_limited', 429, /Wait a minute/],
    ['unavailable', 503, /Try again in a few minutes/],
    ['unexpected_redirect', 301, /SIMPLISMART_API_URL/],
    ['client_error', 418, /Correct what Simplismart names/],
  ])('%s (%d) has its own headline and next step', (code, status, next) => {
    const d = describeOutcome(rejected(code, status, 'msg'), ctx);
    expect(d.tone).toBe('failure');
    expect(d.headline).toContain(`(${status})`);
    expect(d.apiMessage).toBe('msg');
    expect(d.nextStep).toMatch(next);
  });

  it.each([
    ['timeout', null, /did not answer within 30 s/],
    ['connection_lost', null, /connection to Simplismart broke/],
    ['bad_gateway', 502, /gateway .* answered 502/],
    ['gateway_timeout', 504, /gateway .* answered 504/],
    ['server_error_unknown', 520, /gateway .* answered 520/],
    ['interrupted', null, /bot stopped/],
    ['unexpected_error', null, /unexpected way/],
    ['answer_too_large', 201, /^Simplismart answered \(201\), but its answer was larger than 1 MB .* does not know what it said\.$/],
  ])('unknown %s: outcome unknown — check the console before retrying', (code, status, headline) => {
    const d = describeOutcome(unknown(code, status), ctx);
    expect(d.tone).toBe('unknown');
    expect(d.retryNeedsCare).toBe(true);
    expect(d.headline).toMatch(headline);
    expect(d.nextStep).toMatch(CHECK_CONSOLE);
  });

  it('owner_stopped (recovery): says the bot stopped before saving, points at an answer told above, then at the console', () => {
    const d = describeOutcome(unknown('owner_stopped'), ctx);
    expect(d.tone).toBe('unknown');
    expect(d.retryNeedsCare).toBe(true);
    expect(d.headline).toMatch(/stopped before it saved how this import ended/);
    expect(d.headline).toMatch(/holding an answer its database had not taken yet/);
    expect(d.nextStep).toMatch(/If Simplismart’s answer is told above in this thread, that is the outcome/);
    expect(d.nextStep).toMatch(/check the Simplismart console before retrying/);
    expect(`${d.headline} ${d.nextStep}`).not.toMatch(/restart/);
  });

  it('a gateway’s non-JSON body is shown as the API message', () => {
    expect(describeOutcome(unknown('bad_gateway', 502, '(not JSON) 502 Bad Gateway'), ctx).apiMessage).toBe('(not JSON) 502 Bad Gateway');
  });

  it('the timeout is told in seconds from the context', () => {
    expect(describeOutcome(unknown('timeout'), { timeoutMs: 1500 }).headline).toContain('1.5 s');
  });

  it.each([
    ['connection_failed', 'ECONNREFUSED', /Could not reach Simplismart \(ECONNREFUSED\)/, /network access/],
    ['not_connected', '', /no Simplismart token/, /\/simplismart connect/],
    ['token_undecryptable', '', /cannot be decrypted/, /\/simplismart connect/],
  ])('not sent %s: safe to retry', (code, detail, headline, next) => {
    const d = describeOutcome({ kind: 'not_sent', code, detail }, ctx);
    expect(d).toMatchObject({ tone: 'failure', retryNeedsCare: false, apiMessage: null });
    expect(d.headline).toMatch(headline);
    expect(d.nextStep).toMatch(next);
  });

  it('every rejection code has a headline, the API message and a next step', () => {
    for (const code of ['bad_request', 'unauthorized', 'forbidden', 'not_found', 'conflict', 'too_large', 'validation_failed', 'rate_limited', 'server_error', 'unavailable', 'unexpected_redirect', 'client_error']) {
      const d = describeOutcome(rejected(code, 400, 'api words'), ctx);
      expect(d.headline).toMatch(/\S/);
      expect(d.apiMessage).toBe('api words');
      expect(d.nextStep).toMatch(/\S/);
    }
  });

  it('a rejection without status says no "(null)"', () => {
    expect(describeOutcome(rejected('bad_request', null, null), ctx).headline).not.toContain('null');
  });
});
