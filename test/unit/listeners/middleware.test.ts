// The error middleware as a plain function: a listener that fails is answered for — a store outage in
// a form is said under its first field with what was not saved (one wording); a failure after a
// command's ack reaches the person through the notifier with a reference that is in the log.
import { StoreUnavailableError } from '../../../src/errors.js';
import { ignoreUnknownPayloads, reportErrorsToPeople } from '../../../src/listeners/middleware.js';
import { STEP } from '../../../src/domain/stepExecution.js';
import { CALLBACK } from '../../../src/views/ids.js';
import { REQUESTER, TEAM, useWorld } from '../services/world.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- payloads are free-form Slack JSON. */
type Json = any;

const world = useWorld();

/** Runs the middleware around a listener that fails with `error`, acking first when `ackedFirst`. */
async function failing(body: Json, error: Error, ackedFirst = false): Promise<unknown[]> {
  const acks: unknown[] = [];
  let acked = false;
  const ack = async (response?: unknown) => {
    // Bolt's HTTP receiver refuses a second ack; the middleware must cope.
    if (acked) throw new Error('already acked');
    acked = true;
    acks.push(response);
  };
  const middleware = reportErrorsToPeople(world.services);
  await middleware({
    body,
    // As Bolt gives it: the workspace the payload was authorized for.
    context: { teamId: TEAM, isEnterpriseInstall: false },
    ack,
    next: async () => {
      if (ackedFirst) await ack();
      throw error;
    },
  } as unknown as Parameters<typeof middleware>[0]);
  return acks;
}

const formBody = (callbackId: string) => ({
  type: 'view_submission',
  team: { id: TEAM },
  user: { id: REQUESTER },
  view: { id: 'V1', callback_id: callbackId, blocks: [{ type: 'context' }, { type: 'input', block_id: 'first_field' }, { type: 'input', block_id: 'second' }] },
});

test('a store outage in the import form: said under its first field, the import not saved, the form open', async () => {
  const acks = await failing(formBody(CALLBACK.importModal), new StoreUnavailableError('database is locked'));
  expect(acks).toEqual([
    {
      response_action: 'errors',
      errors: { first_field: 'The bot’s database isn’t answering, so this import was not saved. Your form stays open: submit it again in a minute; if it persists, tell whoever runs this bot.' },
    },
  ]);
});

test('a store outage in an admin form says nothing was saved, in the same words', async () => {
  const [ack] = (await failing(formBody(CALLBACK.policyModal), new StoreUnavailableError('down'))) as Json[];
  expect(ack.errors.first_field).toBe('The bot’s database isn’t answering, so nothing was saved. Your form stays open: submit it again in a minute; if it persists, tell whoever runs this bot.');
});

test('a command that fails after its ack: told through its response_url, with the reference that is in the log', async () => {
  const body = { command: '/simplismart', team_id: TEAM, user_id: REQUESTER, response_url: world.local.responseUrl('cmd') };
  await failing(body, new Error('boom'), true);
  const [told] = world.local.responsesTo('cmd');
  const reference = /reference (error-[0-9a-f]{6})/.exec(told.text)?.[1];
  expect(reference).toBeDefined();
  expect(world.logs.some((line) => line.includes(reference!) && line.includes('a listener failed'))).toBe(true);
});

describe('Workflow Builder steps get through the gate', () => {
  /** Runs the unknown-payload gate on an event; reports whether the listeners were reached and what was acked. */
  async function gate(event: Json): Promise<{ passed: boolean; acks: unknown[] }> {
    const acks: unknown[] = [];
    let passed = false;
    const middleware = ignoreUnknownPayloads(world.services);
    await middleware({
      body: { type: 'event_callback', team_id: TEAM, event },
      context: { teamId: TEAM, isEnterpriseInstall: false },
      // Bolt hands function_executed its ack (other events are acked before the middleware).
      ack: async (response?: unknown) => {
        acks.push(response);
      },
      next: async () => {
        passed = true;
      },
    } as unknown as Parameters<typeof middleware>[0]);
    return { passed, acks };
  }

  test.each(Object.values(STEP))('function_executed for the step %s reaches its listener, unacked', async (callbackId) => {
    expect(await gate({ type: 'function_executed', function: { callback_id: callbackId } })).toEqual({ passed: true, acks: [] });
  });

  test('function_executed for a step the app no longer has is acked and ignored', async () => {
    expect(await gate({ type: 'function_executed', function: { callback_id: 'a_removed_step' } })).toEqual({ passed: false, acks: [undefined] });
  });
});
