// Each way the Simplismart API can fail, held open while other people use the bot: the faulty import
// is sent exactly once and ends in the right stored state with a clear thread message, and meanwhile
// another person's command opens a form and their import runs to the end. A fault costs its own
// request, never anyone else's.
import type { RequestState } from '../../src/domain/importRequest.js';
import { connectWorkspace, eventually, openImportModal, pause, requestIdIn, runCommand, type TestBot } from '../support/bot.js';
import { refusedUrl, simplismartFaults, type SimplismartBehaviour } from '../support/fakeSimplismart.js';
import { ALICE, BOB, ORG, TEAM, validImportValues } from '../support/fixtures.js';
import { fillModal } from '../support/modalState.js';
import { viewSubmission } from '../support/slackRequests.js';
import { useBot } from '../support/world.js';

const API_TIMEOUT_MS = 4000;

const { bot, slack, simplismart, token, settled, startBot } = useBot({
  slack: { users: { [ALICE]: {}, [BOB]: {} } },
  // A 4 s API timeout: the held answers (2 s) stay far from it, so each ends as its fault, not as a timeout.
  env: { SIMPLISMART_TIMEOUT_MS: String(API_TIMEOUT_MS) },
  freshFakes: true,
});

async function submitImport(target: TestBot, user: string, name: string): Promise<string> {
  const view = await openImportModal(target, slack, { userId: user, text: 'provider=aws' });
  const values = validImportValues({ cluster_name: name, cluster_region: 'us-west-2' });
  return requestIdIn(await target.send(viewSubmission({ teamId: TEAM, userId: user, view, stateValues: fillModal(view, values) })));
}

const postsNamed = (name: string) => simplismart.importRequests().filter((r) => r.json?.name === name);

interface FaultCase {
  name: string;
  /** Holds the call (HOLD_MS, or the API timeout) before failing, so that it is in flight while others work. */
  fault: SimplismartBehaviour;
  state: RequestState;
  says: RegExp[];
  never?: RegExp[];
}

/**
 * How long a fault holds the call before failing: room for another person's whole import (about 0.3 s
 * here) on a loaded CI machine, and well inside the API timeout.
 */
const HOLD_MS = 2000;

/** A canned answer given only after HOLD_MS. */
function held(behaviour: SimplismartBehaviour): SimplismartBehaviour {
  if (behaviour.kind !== 'respond') throw new Error(`only canned answers can be held, not ${behaviour.kind}`);
  return { ...behaviour, delayMs: HOLD_MS };
}

const FAULTS: FaultCase[] = [
  {
    name: '500 with an error body',
    fault: held(simplismartFaults.serverError('database is locked')),
    state: 'failed',
    says: [/internal error \(500\)/, /Failed to import cluster: database is locked/, /Check the Simplismart console first/],
  },
  {
    name: '502 with an HTML body',
    fault: held(simplismartFaults.badGatewayHtml()),
    state: 'outcome_unknown',
    says: [/answered 502/, /check the Simplismart console before retrying/],
    never: [/<html|<center>|nginx/],
  },
  {
    name: 'slower than the timeout',
    fault: simplismartFaults.slow(API_TIMEOUT_MS + 1000),
    state: 'outcome_unknown',
    says: [/did not answer within 4 s/, /check the Simplismart console before retrying/],
  },
  {
    name: 'the connection reset after the request was read',
    fault: { kind: 'reset', commit: true, delayMs: HOLD_MS },
    state: 'outcome_unknown',
    says: [/connection to Simplismart broke after the request was sent/, /check the Simplismart console before retrying/],
  },
  {
    name: 'invalid JSON in a 201',
    fault: held(simplismartFaults.createdInvalidJson()),
    state: 'succeeded',
    says: [/is imported into Simplismart/, /its answer was not JSON/, /find it in the Simplismart console/],
  },
  {
    name: '201 with an unexpected body',
    fault: held(simplismartFaults.createdUnexpectedBody({ status: 'queued', id: 42 })),
    state: 'succeeded',
    says: [/is imported into Simplismart/, /did not include the cluster’s UUID/],
  },
];

describe('a fault on one import; everyone else is served meanwhile', () => {
  test.each(FAULTS.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    simplismart.nextResponse(c.fault);
    const faulty = `Faulty ${c.name.replace(/[^A-Za-z0-9 ]/g, '')}`.slice(0, 60);
    const aliceId = await submitImport(bot, ALICE, faulty);
    await simplismart.waitForRequest((r) => r.json?.name === faulty, { timeoutMs: 3000 });

    // While Alice's call is held: health answers, Bob's command opens a form, and his import runs to the end.
    const heldSince = performance.now();
    expect((await fetch(`${bot.url}/readyz`)).status).toBe(200);
    const bobId = await submitImport(bot, BOB, 'Bob Meanwhile');
    await settled(bobId, 'succeeded', { timeoutMs: HOLD_MS });
    const bobTook = performance.now() - heldSince;
    // Only meaningful while Alice's call is still held; say so if the machine was too slow for that.
    expect({ bobTookMs: Math.round(bobTook), aliceState: (await bot.store.getRequest(aliceId))?.state }).toEqual({ bobTookMs: expect.any(Number), aliceState: 'importing' });

    const { request, thread: said } = await settled(aliceId, c.state, { timeoutMs: API_TIMEOUT_MS + 4000 });
    for (const pattern of c.says) expect(said).toMatch(pattern);
    for (const pattern of c.never ?? []) expect(said).not.toMatch(pattern);
    expect(request.outcome).not.toBeNull();
    // Exactly one POST each, also once the fake has finished with the held call (a late answer included).
    await eventually(() => expect(postsNamed(faulty)[0]?.outcome).toBeDefined(), 3000);
    await pause(200);
    expect(postsNamed(faulty)).toHaveLength(1);
    expect(postsNamed('Bob Meanwhile')).toHaveLength(1);
    expect(bot.failures()).toEqual([]);
  }, 20_000);

  test('the API refusing connections: each import fails once with nothing sent, and commands keep answering', async () => {
    const offline = await startBot({ env: { SIMPLISMART_API_URL: await refusedUrl() } });
    await connectWorkspace(offline, TEAM, token, ORG);
    const ids = await Promise.all([submitImport(offline, ALICE, 'Refused A'), submitImport(offline, BOB, 'Refused B')]);
    // Meanwhile, commands still answer.
    const help = await runCommand(offline, 'help', { userId: BOB });
    expect(help.status).toBe(200);
    expect(help.json.response_type).toBe('ephemeral');
    for (const id of ids) {
      const { request, thread: said } = await settled(id, 'failed', { bot: offline });
      expect(said).toMatch(/nothing was sent/);
      expect(said).toMatch(/ECONNREFUSED/);
      expect(request.outcome).toMatchObject({ kind: 'not_sent', code: 'connection_failed' });
    }
    expect(simplismart.requests).toHaveLength(0);
    expect((await fetch(`${offline.url}/readyz`)).status).toBe(200);
    expect(offline.failures()).toEqual([]);
    await offline.stop();
  });
});
