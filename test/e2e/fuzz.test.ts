// Bad input, at scale, over real signed HTTP to one running bot: thousands of random import-form
// states, random command texts, random buttons and typeahead requests, forged form metadata — each
// ends in a valid Slack answer (inline errors or an accepted form), never a 500, a timeout or a
// failure inside the bot; and oversized input (3000-character fields, absurd counts, 100 node groups)
// is refused with a clear message, nothing stored, nothing sent.
import fc from 'fast-check';
import { DOCUMENTED_ACCELERATORS, PROVIDERS } from '../../src/domain/clusterImport.js';
import { parseCommand, IMPORT_ARG_KEYS } from '../../src/domain/commandText.js';
import { emptyForm, emptyNodeGroup, type ImportForm } from '../../src/domain/importForm.js';
import { ACTION } from '../../src/views/ids.js';
import { renderImportModal } from '../../src/views/importModal.js';
import { decodeMeta, encodeMeta, metaFor } from '../../src/views/importModalMeta.js';
import { MAX_NODE_GROUPS } from '../../src/views/nodeGroupEditor.js';
import { suggestionProblems, viewProblems } from '../support/blockKitRules.js';
import { asView, eventually, openImportModal, pause, rawRows, type View } from '../support/bot.js';
import type { SlackCall } from '../support/fakeSlack.js';
import { ALICE, BOB, CHANNEL, HOSTED_ZONE, ORG, SECRET_ID, TEAM, validImportValues } from '../support/fixtures.js';
import { fillModal, inputSlots, type FillValue, type OptionLike, type StateValues } from '../support/modalState.js';
import {
  blockActions,
  blockSuggestion,
  newTriggerId,
  newViewId,
  slashCommand,
  viewSubmission,
  type BotResponse,
  type SlackRequest,
} from '../support/slackRequests.js';
import { useBot } from '../support/world.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- Block Kit JSON and Slack answers are free-form. */
type Json = any;

const { bot, slack, simplismart } = useBot({ slack: { users: { [ALICE]: {}, [BOB]: {} } } });

/** What the full form (realViews[1]) requires besides a name, valid. */
const FULL_FORM_REQUIRED: Record<string, FillValue> = {
  cluster_provider: 'aws',
  cluster_region: 'us-west-2',
  cluster_publicIp: '203.0.113.10',
  cluster_nodePortHttp: '30080',
  cluster_nodePortHttps: '30443',
  ng_0_name: 'gpu-pool',
};

/** Real import forms as the bot opened them (plain; and aws + NodePort + More settings). */
let realViews: View[] = [];

beforeAll(async () => {
  realViews = [await openImportModal(bot, slack), await openImportModal(bot, slack, { text: 'provider=aws service_type=NodePort font_color=#111111' })];
});

// ---- what every answer must be ----

/** Rows in every table a request or a decision would touch. */
interface StoreCounts {
  requests: number;
  events: number;
  approvals: number;
  connections: number;
  policies: number;
}

async function storeCounts(): Promise<StoreCounts> {
  const [row] = await rawRows(
    bot,
    `SELECT (SELECT COUNT(*) FROM import_requests) AS requests, (SELECT COUNT(*) FROM request_events) AS events,
            (SELECT COUNT(*) FROM request_approvals) AS approvals, (SELECT COUNT(*) FROM workspace_connections) AS connections,
            (SELECT COUNT(*) FROM approval_policies) AS policies`,
  );
  return Object.fromEntries(Object.entries(row ?? {}).map(([k, v]) => [k, Number(v)])) as unknown as StoreCounts;
}

/** Waits until work launched after acks (threads, imports) is done, so that its logs are in. */
async function quiet(): Promise<void> {
  await eventually(() => expect(bot.services.background.size).toBe(0), 10_000);
}

function inputBlockIds(view: View): Set<string> {
  return new Set(view.blocks.filter((b: Json) => b?.type === 'input' && typeof b.block_id === 'string').map((b: Json) => String(b.block_id)));
}

/**
 * A view_submission answer Slack accepts: HTTP 200 within Slack's 3 s, and either errors under input
 * blocks of the submitted view (non-empty messages), or a valid replacement view.
 */
function expectValidSubmissionAnswer(response: BotResponse, submitted: View): 'errors' | 'update' {
  expect(response.status).toBe(200);
  expect(response.ms).toBeLessThan(3000);
  const action = response.json?.response_action;
  if (action === 'errors') {
    const errors = response.json.errors as Record<string, unknown>;
    expect(Object.keys(errors).length).toBeGreaterThan(0);
    const inputs = inputBlockIds(submitted);
    for (const [blockId, message] of Object.entries(errors)) {
      expect({ blockId, isInput: inputs.has(blockId) }).toEqual({ blockId, isInput: true });
      expect(typeof message).toBe('string');
      expect((message as string).trim().length).toBeGreaterThan(0);
      expect((message as string).length).toBeLessThanOrEqual(300);
    }
    return 'errors';
  }
  expect(action).toBe('update');
  expect(viewProblems(response.json.view)).toEqual([]);
  return 'update';
}

// ---- generators ----

const HOSTILE = [
  '<!channel>',
  '<!here|here>',
  '<!everyone>',
  '<@U0ALICE001>',
  '<#C0IMPORTS1|imports>',
  '<!subteam^S0LEADS001|@leads>',
  '<https://evil.example|click here>',
  '&lt;!channel&gt;',
  '&amp;',
  '*bold* _it_ ~s~ `code` ```block```',
  '"quoted"',
  '“typographic”',
  '{"json": true}',
  '[]',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  // Object's member names as keys: in cluster tools (`CATEGORY: uuid`), node config and command text.
  `constructor: ${HOSTED_ZONE}`,
  `__proto__: ${HOSTED_ZONE}`,
  `toString: ${HOSTED_ZONE}`,
  '{"__proto__": ["x"]}',
  '__proto__=1',
  'constructor=m5.xlarge',
  ' ',
  '\t\n',
  '\u0000',
  '\u0007\u001b[31m',
  '\u202eevil',
  '\u200b',
  '\ufeff',
  '\ud800',
  'é́́́',
  '👩‍👩‍👧‍👦',
  '😀'.repeat(40),
];

const NUMBERS_AS_TEXT = [
  '0',
  '-0',
  '-1',
  '+5',
  '007',
  '1.0',
  '0.5',
  '1e3',
  '1e9',
  '1e309',
  '-1e309',
  'NaN',
  'Infinity',
  '-Infinity',
  '0x10',
  '1_000',
  '１２',
  '٣',
  ' 12 ',
  '9007199254740993',
  '12345678901234567890',
  '1000000000',
  '99999',
  '65536',
  '65535',
];

/** Long text around Slack's 3000-character input limit (and beyond it). */
const hugeText = fc
  .tuple(fc.integer({ min: 2990, max: 3100 }), fc.constantFrom('x', 'é', '😀', '<!channel> ', '9', ' ', 'a-'))
  .map(([n, unit]) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n));

/** Anything a person (or a broken client) could put in a text input. */
const nastyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE, ...NUMBERS_AS_TEXT, '') },
  { weight: 2, arbitrary: fc.integer({ min: -1_000_000_000_000, max: 1_000_000_000_000 }).map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc.string({ unit: fc.constantFrom('\u0000', '\u0001', '\b', '\u001b', '\u007f', '\u0085', '\u2028', '\u2029', '\r', '\n'), maxLength: 20 }),
  },
  { weight: 1, arbitrary: hugeText },
);

const randomOption: fc.Arbitrary<OptionLike> = fc.record({
  text: fc.record({ type: fc.constant('plain_text' as const), text: nastyText }),
  value: nastyText,
});

/** The field a block id names: a node group's (with its slot) or the cluster's (slot -1). */
function fieldOf(blockId: string): { field: string; slot: number } {
  // The `ng_<slot>_<field>` format of groupBlockId (src/views/ids.ts), pinned by test/unit/ids.test.ts.
  const group = /^ng_(\d+)_([A-Za-z]+)$/.exec(blockId);
  return group === null ? { field: blockId.replace(/^cluster_/, ''), slot: -1 } : { field: group[2] ?? '', slot: Number(group[1]) };
}

/**
 * A valid value for each field but the names (by the field part of its block id), to mix with random
 * ones: the fixture form's, and valid values for what it leaves empty.
 */
const VALID: Record<string, FillValue> = Object.fromEntries(
  Object.entries(
    validImportValues({
      cluster_slug: 'fuzz-cluster', cluster_region: 'us-west-2', cluster_org: ORG, cluster_hostedZone: HOSTED_ZONE, cluster_secretId: SECRET_ID,
      cluster_serviceType: 'LoadBalancer', cluster_publicIp: '203.0.113.10', cluster_nodePortHttp: '30080', cluster_nodePortHttps: '30443',
      cluster_avatarUrl: 'https://example.com/logo.png', cluster_fontColor: '#FFFFFF', cluster_backgroundColor: '2563eb',
      cluster_clusterNodeConfig: 'machine_type=m5.xlarge capacity_type=spot', cluster_clusterTools: `MONITORING: ${HOSTED_ZONE}`,
      ng_0_auxiliary: [], ng_0_vcpu: '8', ng_0_memory: '32',
    }),
  )
    .map(([blockId, value]) => [fieldOf(blockId).field, value] as const)
    .filter(([field]) => field !== 'name'),
);

type Slot = ReturnType<typeof inputSlots>[number];

/**
 * The valid value for one input of this view, consistent with the rest of it: the provider the form
 * shows (one that needs a region only when the region field is there).
 */
function validValue(view: View, slot: Slot): FillValue | undefined {
  const { field, slot: group } = fieldOf(slot.blockId);
  if (field === 'provider') {
    const shown = (slot.element.initial_option as { value?: string } | undefined)?.value;
    return shown ?? (inputBlockIds(view).has('cluster_region') ? 'aws' : 'kubernetes');
  }
  if (field === 'name') return group < 0 ? 'Fuzz Cluster' : `pool-${group}`;
  return VALID[field];
}

/** What a person could leave in one input: a valid value, a random one, nothing, or its initial value. */
function inputValue(view: View, slot: Slot): fc.Arbitrary<FillValue | undefined> {
  const valid = validValue(view, slot);
  const element = slot.element;
  let random: fc.Arbitrary<FillValue>;
  switch (element.type) {
    case 'static_select':
    case 'radio_buttons': {
      const values = (element.options as Array<{ value: string }>).map((o) => o.value);
      random = fc.oneof(fc.constantFrom(...values), randomOption);
      break;
    }
    case 'checkboxes':
      random = fc.oneof(fc.constant(['auxiliary']), fc.array(randomOption, { maxLength: 3 }));
      break;
    case 'external_select':
      random = fc.oneof(fc.constantFrom(...DOCUMENTED_ACCELERATORS, 'none'), nastyText.filter((t) => t !== ''), randomOption);
      break;
    default:
      random = nastyText;
  }
  return fc.oneof(
    { weight: 5, arbitrary: valid === undefined ? random : fc.constant(valid) },
    { weight: 3, arbitrary: random },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

/** The import form built by the bot's own builders: 1–6 node groups on random slots, any provider, NodePort, More settings. */
const builtView: fc.Arbitrary<View> = fc
  .record({
    slots: fc.uniqueArray(fc.integer({ min: 0, max: 998 }), { minLength: 1, maxLength: MAX_NODE_GROUPS }),
    provider: fc.constantFrom('' as const, ...PROVIDERS),
    nodePort: fc.boolean(),
    more: fc.boolean(),
    approval: fc.boolean(),
  })
  .map(({ slots, provider, nodePort, more, approval }) => {
    const form: ImportForm = {
      ...emptyForm(),
      provider,
      serviceType: nodePort ? 'NodePort' : 'LoadBalancer',
      org: ORG,
      hostedZone: HOSTED_ZONE,
      secretId: SECRET_ID,
      nodeGroups: slots.map((slot) => emptyNodeGroup(slot)),
    };
    const meta = { ...metaFor(form, CHANNEL, approval ? { approvalNote: ':lock: Imports here need 1 approval.' } : {}), ...(more ? { x: 1 as const } : {}) };
    return asView(renderImportModal(form, meta));
  });

/** State entries Slack would not send for this view (fields not shown yet, groups not in it). */
const strayState = fc.array(
  fc.tuple(
    fc.constantFrom('cluster_region', 'cluster_publicIp', 'cluster_nodePortHttp', 'cluster_avatarUrl', 'cluster_clusterTools', 'ng_7_name', 'ng_999_maxNodes', 'ng_0_vcpu'),
    nastyText,
  ),
  { maxLength: 2 },
);

interface FormCase {
  view: View;
  state: StateValues;
}

/** A form (real or built) with random values in every input, as Slack would report it on submit. */
const formCase: fc.Arbitrary<FormCase> = fc
  .oneof({ weight: 1, arbitrary: fc.constantFrom(...[0, 1]).map((i) => realViews[i]!) }, { weight: 3, arbitrary: builtView })
  .chain((view) => {
    const slots = inputSlots(view);
    const valid = Object.fromEntries(slots.map((slot) => [slot.blockId, validValue(view, slot)]));
    const random = Object.fromEntries(slots.map((slot) => [slot.blockId, inputValue(view, slot)]));
    // A few fields wrong in an otherwise valid form (the common case), or anything anywhere; and some
    // valid forms, so that acceptance is exercised too.
    const fewWrong = fc
      .uniqueArray(fc.constantFrom(...slots.map((slot) => slot.blockId)), { minLength: 1, maxLength: 3 })
      .chain((wrong) => fc.record(Object.fromEntries(wrong.map((blockId) => [blockId, random[blockId]!]))))
      .map((changed) => ({ ...valid, ...changed }));
    const values = fc.oneof({ weight: 1, arbitrary: fc.constant(valid) }, { weight: 3, arbitrary: fewWrong }, { weight: 2, arbitrary: fc.record(random) });
    return fc.tuple(fc.constant(view), values, fc.oneof({ weight: 3, arbitrary: fc.constant([] as Array<[string, string]>) }, { weight: 1, arbitrary: strayState }));
  })
  .map(([view, values, stray]) => {
    const typed = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Record<string, FillValue>;
    const state = fillModal(view, typed);
    for (const [blockId, text] of stray) {
      state[blockId] ??= { value: { type: 'plain_text_input', value: text === '' ? null : text } };
    }
    // Each submission is its own modal (a new view id), as when many people submit.
    return { view: { ...view, id: newViewId() }, state };
  });

const submissionCount = { total: 0, accepted: 0 };

async function submitCase(c: FormCase, user = ALICE): Promise<'errors' | 'update'> {
  const response = await bot.send(viewSubmission({ teamId: TEAM, userId: user, view: c.view, stateValues: c.state, allowInvalid: true }));
  const kind = expectValidSubmissionAnswer(response, c.view);
  submissionCount.total += 1;
  if (kind === 'update') {
    submissionCount.accepted += 1;
    const id = /ir-[a-z2-9]{8}/.exec(JSON.stringify(response.json.view))?.[0];
    expect(id).toBeDefined();
    const stored = await bot.store.getRequest(id!);
    expect(stored?.sourceKey).toBe(c.view.id);
  }
  return kind;
}

// ---- the properties ----

describe('random import-form states, submitted over signed HTTP', () => {
  test('every submission answers 200 with inline errors under input blocks of the form, or an accepted form; only accepted ones are stored', async () => {
    const logsBefore = bot.logs.length;
    const before = await storeCounts();
    submissionCount.total = 0;
    submissionCount.accepted = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(formCase, { minLength: 6, maxLength: 10 }), async (cases) => {
        await Promise.all(cases.map((c) => submitCase(c)));
      }),
      { numRuns: 220, endOnFailure: true },
    );
    expect(submissionCount.total).toBeGreaterThan(1500);
    // Some random forms are valid: those, and only those, were stored (one request each).
    expect(submissionCount.accepted).toBeGreaterThan(submissionCount.total / 20);
    expect(submissionCount.accepted).toBeLessThan(submissionCount.total);
    const after = await storeCounts();
    expect(after.requests - before.requests).toBe(submissionCount.accepted);
    await quiet();
    expect(bot.failures(logsBefore)).toEqual([]);
    // Whatever the accepted forms held (mentions included), every message the bot posted was accepted
    // by Slack and pinged no one at large.
    const posted = slack.calls.filter((c) => c.method === 'chat.postMessage' || c.method === 'chat.update');
    expect(posted.length).toBeGreaterThan(0);
    expect(posted.filter((c) => c.response?.ok !== true).map((c) => `${c.method}: ${JSON.stringify(c.response)}`)).toEqual([]);
    for (const call of posted) expect(JSON.stringify([call.args.text, call.args.blocks])).not.toMatch(/<!(channel|here|everyone|subteam)/);
  }, 60_000);

  test('random private_metadata (garbage, forged, oversized, naming 0 or 100 slots) → an answer, never stored unless the bot could have written it', async () => {
    const logsBefore = bot.logs.length;
    const before = await storeCounts();
    const requestsBefore = simplismart.importRequests().length;
    const base = realViews[1]!;
    const valid = fillModal(base, { cluster_name: 'Meta Fuzz', ...FULL_FORM_REQUIRED });
    const metaLike = fc.record(
      {
        c: fc.oneof(fc.constant(CHANNEL), nastyText),
        s: fc.oneof(
          fc.array(fc.integer({ min: -5, max: 1005 }), { maxLength: 8 }),
          fc.constant(Array.from({ length: 100 }, (_, i) => i)),
          fc.array(fc.oneof(fc.double(), fc.string()) as fc.Arbitrary<unknown>, { maxLength: 3 }),
        ),
        n: fc.oneof(fc.integer({ min: -5, max: 2000 }), fc.double(), fc.string()),
        r: nastyText,
        u: nastyText,
        a: nastyText,
        x: fc.oneof(fc.constant(1), fc.integer(), fc.string()),
      },
      { requiredKeys: [] },
    );
    const metadata = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 60 }),
      nastyText,
      fc.json({ maxDepth: 3 }),
      metaLike.map((m) => JSON.stringify(m)),
      fc.integer({ min: 3001, max: 20_000 }).map((n) => JSON.stringify({ c: CHANNEL, s: [0], n: 1, a: 'x'.repeat(n) })),
    );
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(metadata, { minLength: 4, maxLength: 8 }), async (metas) => {
        await Promise.all(
          metas.map(async (meta) => {
            const view = { ...base, id: newViewId(), private_metadata: meta };
            const response = await bot.send(viewSubmission({ teamId: TEAM, userId: ALICE, view, stateValues: valid, allowInvalid: true }));
            const kind = expectValidSubmissionAnswer(response, view);
            if (decodeMeta(meta) === undefined) {
              // Not written by the bot: refused under the first field, whatever else the form holds.
              expect(response.json).toEqual({ response_action: 'errors', errors: { cluster_name: expect.stringMatching(/out of date|node groups/) } });
              expect(await bot.store.listRequests(TEAM, 5000).then((all) => all.some((r) => r.sourceKey === view.id))).toBe(false);
            } else if (kind === 'update') {
              accepted += 1;
            }
          }),
        );
      }),
      { numRuns: 60, endOnFailure: true },
    );
    const after = await storeCounts();
    expect(after.requests - before.requests).toBe(accepted);
    await quiet();
    // Only the accepted ones were sent.
    expect(simplismart.importRequests().length - requestsBefore).toBe(accepted);
    expect(bot.failures(logsBefore)).toEqual([]);
  }, 60_000);
});

// ---- slash commands ----

const COMMAND_KEYS = [...IMPORT_ARG_KEYS, 'foo', 'NAME', 'min-node-count', '', '='];
const QUOTES: Array<[string, string]> = [
  ['', ''],
  ['"', '"'],
  ["'", "'"],
  ['“', '”'],
  ['‘', '’'],
  ['"', ''],
  ['“', '"'],
];
const commandWord = fc.oneof(fc.constantFrom(...COMMAND_KEYS), fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 }), nastyText);
const commandPair = fc
  .tuple(fc.oneof(fc.constantFrom(...COMMAND_KEYS), commandWord), fc.oneof(fc.constantFrom(...PROVIDERS, 'NodePort', 'spot', 'true'), nastyText), fc.constantFrom(...QUOTES))
  .map(([key, value, [open, close]]) => `${key}=${open}${value}${close}`);
const commandRest = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.oneof(commandPair, commandWord, fc.constantFrom(...HOSTILE)), { maxLength: 8 }).map((parts) => parts.join(' ')) },
  { weight: 1, arbitrary: fc.integer({ min: 3900, max: 4100 }).map((n) => `name=${'n'.repeat(n)}`) },
  { weight: 1, arbitrary: fc.integer({ min: 3900, max: 4100 }).map((n) => 'x '.repeat(n / 2)) },
);
/** An import with random arguments: each batch below holds one, so that enough forms are opened to check. */
const importText = fc.tuple(fc.constantFrom('import', 'IMPORT', 'Import', ' import'), commandRest).map(([sub, rest]) => `${sub} ${rest}`);
const commandText = fc.oneof(
  fc.tuple(fc.constantFrom('import', 'IMPORT', 'Import', ' import', 'history', 'HISTORY', 'help', 'status', 'approvals', 'connect', 'disconnect', 'deploy', 'imports', 'histroy', '¿qué?', '<!channel>'), commandRest).map(([sub, rest]) => `${sub} ${rest}`),
  fc.constantFrom('history ir-abcdefgh', 'history IR-23456789', 'history ir-', 'history ir-0000000o', 'history <!channel>', 'history ' + 'x'.repeat(4000)),
  commandRest,
);

describe('random slash-command texts', () => {
  test('import, history and unknown subcommands: always 200 and an ephemeral answer or a modal Slack accepts; nothing stored, nothing posted', async () => {
    const logsBefore = bot.logs.length;
    const before = await storeCounts();
    const postsBefore = slack.callsTo('chat.postMessage').length;
    const requestsBefore = simplismart.requests.length;
    let sent = 0;
    let opened = 0;
    let counter = 0;
    const runOne = async (text: string): Promise<void> => {
      counter += 1;
      const replyId = `fuzz-cmd-${counter}`;
      const triggerId = newTriggerId();
      const user = counter % 2 === 0 ? ALICE : BOB;
      const response = await bot.send(slashCommand({ teamId: TEAM, userId: user, channelId: CHANNEL, text, triggerId, responseUrl: slack.responseUrl(replyId) }));
      sent += 1;
      expect(response.status).toBe(200);
      expect(response.ms).toBeLessThan(3000);
      const { subcommand } = parseCommand(text);
      if (response.text !== '') {
        // Answered on the ack itself (help, unknown subcommands).
        expect(response.json?.response_type).toBe('ephemeral');
        expect(String(response.json.text).trim()).not.toBe('');
        expect(['import', 'history', 'status', 'connect', 'disconnect', 'approvals']).not.toContain(subcommand);
        return;
      }
      // Whichever comes (a reply or a modal); one poll rather than two waiters, one of which would be left
      // to time out over thousands of recorded calls.
      let answer: SlackCall | undefined;
      await eventually(() => {
        answer = slack.calls.find(
          (c) => c.response !== undefined && ((c.method === 'response_url' && c.responseUrlId === replyId) || (c.method === 'views.open' && c.args.trigger_id === triggerId)),
        );
        expect(answer).toBeDefined();
      }, 3000);
      if (answer === undefined) return;
      if (answer.method === 'views.open') {
        opened += 1;
        expect(viewProblems(answer.args.view)).toEqual([]);
        expect(answer.response?.ok).toBe(true);
        if (subcommand === 'import') expect(answer.args.view.callback_id).toBe('import_cluster');
        return;
      }
      expect(subcommand).not.toBe('import');
      expect(answer.args.response_type).toBe('ephemeral');
      expect(String(answer.args.text).trim()).not.toBe('');
    };
    await fc.assert(
      fc.asyncProperty(importText, fc.array(commandText, { minLength: 5, maxLength: 9 }), async (anImport, texts) => {
        await Promise.all([anImport, ...texts].map(runOne));
      }),
      { numRuns: 90, endOnFailure: true },
    );
    expect(sent).toBeGreaterThan(600);
    expect(opened).toBeGreaterThan(50);
    // Every import opened a modal Slack accepted.
    const imports = slack.callsTo('views.open');
    expect(imports.filter((c) => c.response?.ok !== true)).toEqual([]);
    await quiet();
    expect(await storeCounts()).toEqual(before);
    expect(slack.callsTo('chat.postMessage').length).toBe(postsBefore);
    expect(simplismart.requests.length).toBe(requestsBefore);
    expect(bot.failures(logsBefore)).toEqual([]);
  }, 60_000);
});

// ---- buttons and typeahead ----

const KNOWN_ACTIONS = new Set<string>(Object.values(ACTION));
const REQUEST_BUTTONS = [ACTION.editAndRetry, ACTION.approve, ACTION.reject, ACTION.cancel, ACTION.viewPayload];
const unknownActionId = fc.oneof(nastyText, fc.string({ unit: 'grapheme-ascii', maxLength: 30 })).filter((id) => id !== '' && id.length <= 255 && !KNOWN_ACTIONS.has(id));
const randomRequestId = fc.oneof(
  fc.stringMatching(/^ir-[a-z2-9]{8}$/),
  nastyText,
  fc.constant(''),
  fc.string({ unit: 'grapheme-ascii', maxLength: 2000 }),
);

type ActionCase =
  | { kind: 'unknown-message-button'; actionId: string; value: string }
  | { kind: 'unknown-modal-button'; actionId: string; value: string }
  | { kind: 'request-button'; actionId: string; value: string }
  | { kind: 'unknown-suggestion'; actionId: string; query: string }
  | { kind: 'accelerator-suggestion'; query: string };

const actionCase: fc.Arbitrary<ActionCase> = fc.oneof(
  fc.record({ kind: fc.constant('unknown-message-button' as const), actionId: unknownActionId, value: nastyText }),
  fc.record({ kind: fc.constant('unknown-modal-button' as const), actionId: unknownActionId, value: nastyText }),
  fc.record({ kind: fc.constant('request-button' as const), actionId: fc.constantFrom(...REQUEST_BUTTONS), value: randomRequestId }),
  fc.record({ kind: fc.constant('unknown-suggestion' as const), actionId: unknownActionId, query: nastyText }),
  fc.record({ kind: fc.constant('accelerator-suggestion' as const), query: nastyText }),
);

describe('random buttons and typeahead requests', () => {
  test('unknown action_ids and random values on the real buttons: acked, explained, nothing stored, nothing sent', async () => {
    const logsBefore = bot.logs.length;
    const before = await storeCounts();
    const requestsBefore = simplismart.requests.length;
    const opensBefore = slack.callsTo('views.open').length;
    let counter = 0;
    const view = realViews[0]!;
    const runOne = async (c: ActionCase): Promise<void> => {
      counter += 1;
      const replyId = `fuzz-act-${counter}`;
      const user = `U0FUZZ${String(counter).padStart(5, '0')}`;
      let request: SlackRequest;
      switch (c.kind) {
        case 'unknown-message-button':
        case 'request-button':
          request = blockActions({
            teamId: TEAM,
            userId: user,
            actionId: c.actionId,
            blockId: 'fuzz_block',
            value: c.value,
            channelId: CHANNEL,
            responseUrl: slack.responseUrl(replyId),
            elementType: 'button',
          });
          break;
        case 'unknown-modal-button':
          request = blockActions({ teamId: TEAM, userId: user, actionId: c.actionId, blockId: 'fuzz_block', value: c.value, view: { ...view, id: newViewId() }, elementType: 'button' });
          break;
        case 'unknown-suggestion':
          request = blockSuggestion({ teamId: TEAM, userId: user, actionId: c.actionId, blockId: 'ng_0_acceleratorType', value: c.query, view, force: true });
          break;
        case 'accelerator-suggestion':
          request = blockSuggestion({ teamId: TEAM, userId: user, actionId: ACTION.acceleratorType, blockId: 'ng_0_acceleratorType', value: c.query, view, force: true });
          break;
      }
      const response = await bot.send(request);
      expect(response.status).toBe(200);
      expect(response.ms).toBeLessThan(3000);
      if (c.kind === 'unknown-suggestion') {
        expect(response.json).toEqual({ options: [] });
        return;
      }
      if (c.kind === 'accelerator-suggestion') {
        const options = response.json?.options as Array<{ text: { text: string }; value: string }>;
        expect(Array.isArray(options)).toBe(true);
        expect(options.length).toBeGreaterThan(0);
        expect(options.length).toBeLessThanOrEqual(100);
        for (const option of options) {
          expect(option.text.text.length).toBeGreaterThan(0);
          expect(option.text.text.length).toBeLessThanOrEqual(75);
          expect(option.value.length).toBeGreaterThan(0);
          expect(option.value.length).toBeLessThanOrEqual(150);
        }
        expect(suggestionProblems(response.json)).toEqual([]);
        return;
      }
      // Explained to the person who clicked: ephemerally through response_url, or (a modal's button,
      // which has none) in a DM.
      const told: SlackCall =
        c.kind === 'unknown-modal-button'
          ? await slack.waitFor('chat.postMessage', (call) => call.args.channel === user, { timeoutMs: 3000 })
          : await slack.waitFor('response_url', (call) => call.responseUrlId === replyId, { timeoutMs: 3000 });
      if (told.method === 'response_url') expect(told.args.response_type).toBe('ephemeral');
      expect(told.response?.ok).toBe(true);
      const said = `${String(told.args.text)} ${JSON.stringify(told.args.blocks ?? [])}`;
      if (c.kind === 'request-button') expect(said).toMatch(/no longer exists|not found|No request|does not exist/i);
      else expect(said).toMatch(/no longer exists/);
    };
    await fc.assert(
      fc.asyncProperty(fc.array(actionCase, { minLength: 6, maxLength: 10 }), async (cases) => {
        await Promise.all(cases.map(runOne));
      }),
      { numRuns: 60, endOnFailure: true },
    );
    expect(counter).toBeGreaterThan(350);
    await quiet();
    expect(await storeCounts()).toEqual(before);
    expect(simplismart.requests.length).toBe(requestsBefore);
    // No modal opened for a request that does not exist.
    expect(slack.callsTo('views.open').length).toBe(opensBefore);
    expect(bot.failures(logsBefore)).toEqual([]);
  }, 60_000);

  test('changes inside a form with random typed state re-render it as a view Slack accepts', async () => {
    const logsBefore = bot.logs.length;
    const problems: string[] = [];
    const updated = new Map<string, Json>();
    slack.onCall('views.update', (args) => {
      const found = viewProblems(args.view);
      if (Buffer.byteLength(JSON.stringify(args.view)) > 250 * 1024) found.push('view_too_large');
      if (found.length > 0) {
        problems.push(...found.map((p) => `${String(args.view_id)}: ${p}`));
        return { ok: false, error: 'invalid_arguments', response_metadata: { messages: found } };
      }
      updated.set(String(args.view_id), args.view);
      return { ok: true, view: { ...args.view, id: args.view_id } };
    });
    const change = fc.constantFrom(
      { actionId: ACTION.addNodeGroup, blockId: 'nodegroup_actions' },
      { actionId: ACTION.showMoreSettings, blockId: 'more_settings' },
      { actionId: ACTION.provider, blockId: 'cluster_provider' },
      { actionId: ACTION.serviceType, blockId: 'cluster_serviceType' },
      { actionId: ACTION.removeNodeGroup, blockId: 'header' },
    );
    let sent = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(formCase, change, nastyText), { minLength: 4, maxLength: 8 }), async (cases) => {
          await Promise.all(
            cases.map(async ([c, { actionId, blockId }, removeValue]) => {
              // Remove buttons sit on each group's header; any button value may come back.
              const header = c.view.blocks.find((b: Json) => b.accessory?.action_id === ACTION.removeNodeGroup);
              const target = blockId === 'header' ? header?.block_id : blockId;
              // A form at its limit has no add button (only "Fill from my nodes" in that block): nothing to click.
              if (target === undefined || !c.view.blocks.some((b: Json) => b.block_id === target && JSON.stringify(b).includes(`"${actionId}"`))) return;
              const request = blockActions({
                teamId: TEAM,
                userId: ALICE,
                actionId,
                blockId: target,
                view: c.view,
                stateValues: c.state,
                ...(actionId === ACTION.removeNodeGroup ? { value: removeValue } : {}),
                force: true,
              });
              const response = await bot.send(request);
              sent += 1;
              expect(response.status).toBe(200);
              expect(response.ms).toBeLessThan(3000);
              await eventually(() => expect(updated.has(c.view.id)).toBe(true), 3000);
              // Whatever was typed, the form keeps its shape: the same callback, at most 100 blocks.
              const next = updated.get(c.view.id);
              expect(next.callback_id).toBe('import_cluster');
            }),
          );
        }),
        { numRuns: 50, endOnFailure: true },
      );
    } finally {
      slack.offCall('views.update');
    }
    expect(sent).toBeGreaterThan(150);
    expect(problems).toEqual([]);
    await quiet();
    expect(bot.failures(logsBefore)).toEqual([]);
  }, 60_000);
});

// ---- oversized input ----

describe('oversized input is refused clearly; nothing stored, nothing sent', () => {
  async function nothingHappened(before: StoreCounts, requestsBefore: number, postsBefore: number): Promise<void> {
    await pause(100);
    expect(await storeCounts()).toEqual(before);
    expect(simplismart.requests.length).toBe(requestsBefore);
    expect(slack.callsTo('chat.postMessage').length).toBe(postsBefore);
  }

  async function snapshot() {
    return { counts: await storeCounts(), requests: simplismart.requests.length, posts: slack.callsTo('chat.postMessage').length };
  }

  /** The full form: aws (region), NodePort, More settings. */
  function fullView(): View {
    return { ...realViews[1]!, id: newViewId() };
  }

  const VALID_FULL: Record<string, FillValue> = { cluster_name: 'Big Cluster', ...FULL_FORM_REQUIRED, ng_0_acceleratorType: 'nvidia-a10g', ng_0_acceleratorCount: '1' };

  test('3000-character values in every text field: each refused under its field, with a short message that names the limit', async () => {
    const s = await snapshot();
    const long = (prefix: string, unit = 'a') => `${prefix}${unit.repeat(3000 - prefix.length)}`;
    const view = fullView();
    const values: Record<string, FillValue> = {
      ...VALID_FULL,
      cluster_name: long('Cluster '),
      cluster_slug: long('s'),
      cluster_region: long('us-'),
      cluster_org: long('5436'),
      cluster_hostedZone: long('b13c'),
      cluster_secretId: long('9d1a'),
      cluster_publicIp: long('203.', '1'),
      cluster_avatarUrl: long('https://example.com/'),
      cluster_fontColor: long('#', 'F'),
      cluster_backgroundColor: long('#', '0'),
      cluster_clusterNodeConfig: long('machine_type='),
      cluster_clusterTools: long('MONITORING: '),
      ng_0_name: long('pool'),
      ng_0_machineType: long('g5.'),
      ng_0_acceleratorType: long('nvidia-'),
    };
    const response = await bot.send(viewSubmission({ teamId: TEAM, userId: ALICE, view, stateValues: fillModal(view, values), allowInvalid: true }));
    expect(expectValidSubmissionAnswer(response, view)).toBe('errors');
    const errors = response.json.errors as Record<string, string>;
    const expected: Record<string, RegExp> = {
      cluster_name: /under 100 characters/,
      cluster_slug: /63 characters/,
      cluster_region: /under 40 characters/,
      cluster_org: /UUID/,
      cluster_hostedZone: /UUID/,
      cluster_secretId: /UUID/,
      cluster_publicIp: /IP address/,
      cluster_avatarUrl: /2000 characters/,
      cluster_fontColor: /#RRGGBB/,
      cluster_backgroundColor: /#RRGGBB/,
      cluster_clusterNodeConfig: /machine_type/,
      cluster_clusterTools: /UUID|catalog/,
      ng_0_name: /63 characters/,
      ng_0_machineType: /100 characters/,
      ng_0_acceleratorType: /63 characters/,
    };
    for (const [blockId, pattern] of Object.entries(expected)) {
      expect({ blockId, message: errors[blockId] }).toEqual({ blockId, message: expect.stringMatching(pattern) });
    }
    // The 3000 characters are not echoed back.
    expect(JSON.stringify(errors)).not.toMatch(/(.)\1{99}/);
    await nothingHappened(s.counts, s.requests, s.posts);
  });

  test('absurd counts (1e9 nodes, 99999 GPUs, 20-digit memory, negative, 1e309) are refused under their fields, naming the bounds', async () => {
    const s = await snapshot();
    const view = fullView();
    const values: Record<string, FillValue> = {
      ...VALID_FULL,
      ng_0_minNodes: '0',
      ng_0_maxNodes: '1000000000',
      ng_0_desiredNodes: '-5',
      ng_0_acceleratorCount: '99999',
      ng_0_vcpu: '1e309',
      ng_0_memory: '99999999999999999999',
      cluster_nodePortHttp: '1e9',
      cluster_nodePortHttps: '999999',
    };
    const response = await bot.send(viewSubmission({ teamId: TEAM, userId: ALICE, view, stateValues: fillModal(view, values), allowInvalid: true }));
    expect(expectValidSubmissionAnswer(response, view)).toBe('errors');
    expect(response.json.errors).toEqual({
      ng_0_maxNodes: expect.stringMatching(/at most 1000/),
      ng_0_desiredNodes: expect.stringMatching(/negative/),
      ng_0_acceleratorCount: expect.stringMatching(/at most 16/),
      ng_0_vcpu: expect.stringMatching(/whole number/),
      ng_0_memory: expect.stringMatching(/far too large/),
      cluster_nodePortHttp: expect.stringMatching(/whole number/),
      cluster_nodePortHttps: expect.stringMatching(/1 to 65535/),
    });
    await nothingHappened(s.counts, s.requests, s.posts);
  });

  test('absurd counts in the command text are not pre-filled; the person is told, and the form stays valid for Slack', async () => {
    const triggerId = newTriggerId();
    await bot.send(
      slashCommand({ teamId: TEAM, userId: ALICE, channelId: CHANNEL, triggerId, text: `import max=1000000000 gpus=99999 memory=99999999999999999999 name=${'n'.repeat(3000)}` }),
    );
    const open = await slack.waitFor('views.open', (c) => c.args.trigger_id === triggerId);
    expect(open.response.ok).toBe(true);
    const view = open.args.view;
    expect(viewProblems(view)).toEqual([]);
    const notes = JSON.stringify(view.blocks.filter((b: Json) => b.type === 'context'));
    expect(notes).toContain('max=1000000000 is out of range: use 0 to 1000');
    expect(notes).toContain('gpus=99999 is out of range: use 1 to 16');
    expect(notes).toMatch(/memory=9+ is out of range/);
    const block = (id: string) => view.blocks.find((b: Json) => b.block_id === id);
    expect(block('ng_0_maxNodes').element.initial_value).toBeUndefined();
    expect(block('ng_0_acceleratorCount').element.initial_value).toBeUndefined();
    // The name is kept as far as the field allows.
    expect(block('cluster_name').element.initial_value.length).toBeLessThanOrEqual(100);
  });

  test.each([7, 100])('a forged form holding %i node groups (metadata naming them all) is refused with the limit named', async (count) => {
    const s = await snapshot();
    const slots = Array.from({ length: count }, (_, i) => i);
    const form: ImportForm = { ...emptyForm(), provider: 'aws', org: ORG, hostedZone: HOSTED_ZONE, secretId: SECRET_ID, nodeGroups: slots.map((slot) => emptyNodeGroup(slot)) };
    // The bot would never render this: its metadata allows six groups. Forge the view and its metadata.
    const view: View = { ...asView(renderImportModal(form, { c: CHANNEL, s: slots, n: count })), private_metadata: encodeMeta({ c: CHANNEL, s: slots, n: count }) };
    expect(inputBlockIds(view).has(`ng_${count - 1}_name`)).toBe(true);
    const values: Record<string, FillValue> = { cluster_name: 'Hundred Groups', cluster_provider: 'aws', cluster_region: 'us-west-2' };
    for (const slot of slots) values[`ng_${slot}_name`] = `pool-${slot}`;
    const response = await bot.send(viewSubmission({ teamId: TEAM, userId: ALICE, view, stateValues: fillModal(view, values), allowInvalid: true }));
    expect(expectValidSubmissionAnswer(response, view)).toBe('errors');
    expect(response.json.errors).toEqual({ cluster_name: expect.stringMatching(new RegExp(`at most ${MAX_NODE_GROUPS} node groups`)) });
    await nothingHappened(s.counts, s.requests, s.posts);
  });
});

// Declared last: runs after everything above.
test('after all of the above: nothing failed inside the bot', async () => {
  await quiet();
  expect(bot.logs.length).toBeGreaterThan(0);
  expect(bot.failures()).toEqual([]);
});
