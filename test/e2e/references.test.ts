// Hosted zones, secrets and tool catalogs by name, over signed HTTP: set by an admin with
// `/simplismart references` (refused for others, who read them), offered in the import form as menus
// (the connection's defaults chosen, "Other (UUID)…" still possible, tools a menu per category), and the
// body sent still exactly the documented UUIDs. Changing the names never changes a stored request.
import { ADMIN, ALICE, HOSTED_ZONE, SECRET_ID, TEAM, validImportValues } from '../support/fixtures.js';
import { changeModal, clickToOpen, commandReply, openImportModal, openModalByCommand, requestIdIn, submitModal, type View } from '../support/bot.js';
import { shownIn } from '../support/modalState.js';
import { useBot } from '../support/world.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- Slack and API JSON as the local servers recorded them. */
type Json = any;

const STAGING_ZONE = '3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b';
const OTHER_ZONE = '7e6d5c4b-3a29-4817-8a6b-5c4d3e2f1a0b';
const PROMETHEUS = '0b6f2a4c-1d3e-4f5a-8b7c-9d0e1f2a3b4c';
const GRAFANA = '1c7a3b5d-2e4f-4a6b-9c8d-0e1f2a3b4c5d';
const REDIS = '2d8b4c6e-3f5a-4b7c-8d9e-1f2a3b4c5d6e';
const RAY = '4f0d6e8a-5b7c-4d9e-8f0a-3b4c5d6e7f8a';

const { bot, slack, simplismart, settled } = useBot({ slack: { users: { [ALICE]: {}, [ADMIN]: { is_admin: true } } } });

const NAMES = {
  refs_hosted_zones: `Production zone = ${HOSTED_ZONE}\nStaging zone = ${STAGING_ZONE}`,
  refs_secrets: `prod-eks kubeconfig = ${SECRET_ID}`,
  refs_tools: `MONITORING: Prometheus = ${PROMETHEUS}\nMONITORING: Grafana = ${GRAFANA}\nASYNC TOOLS: Redis = ${REDIS}`,
};

const blockIds = (view: View) => view.blocks.map((b: Json) => b.block_id);
const allText = (reply: { text: string; blocks: unknown[] }) => `${reply.text}\n${JSON.stringify(reply.blocks)}`;

describe('setting the names', () => {
  test('anyone reads them; only an admin gets the form, and a form submitted by someone else is refused', async () => {
    const before = await commandReply(bot, slack, 'references', { userId: ALICE });
    expect(before.text).toMatch(/No hosted zones, secrets or tool catalogs are named in this workspace yet/);
    expect(slack.callsTo('views.open')).toHaveLength(0);

    const form = await openModalByCommand(bot, slack, 'references', { userId: ADMIN });
    expect(form.callback_id).toBe('workspace_references');
    // A non-admin who got hold of the form is refused inline; nothing is saved.
    const refused = await submitModal(bot, form, NAMES, { userId: ALICE });
    expect(refused.json).toEqual({ response_action: 'errors', errors: { refs_hosted_zones: 'Only Slack workspace admins and owners can name hosted zones, secrets and tool catalogs.' } });
    expect(await bot.store.listReferences(TEAM)).toEqual([]);
  });

  test('a line that is not `Name = UUID` is refused under its field, with its line number', async () => {
    const form = await openModalByCommand(bot, slack, 'references', { userId: ADMIN });
    const refused = await submitModal(bot, form, { ...NAMES, refs_secrets: `prod = ${SECRET_ID}\nstaging = not-a-uuid` }, { userId: ADMIN });
    expect(refused.json).toEqual({ response_action: 'errors', errors: { refs_secrets: 'Line 2: “not-a-uuid” is not a UUID (such as b13c6a8a-6e9a-4bb9-8a0c-0db8c1a5a63f).' } });
  });

  test('a name that would pass for a UUID, or for the menus’ own “Other (UUID)…”, is refused under its field, saying what to do', async () => {
    const form = await openModalByCommand(bot, slack, 'references', { userId: ADMIN });
    const refused = await submitModal(bot, form, { ...NAMES, refs_hosted_zones: `Production zone = ${HOSTED_ZONE}\n${STAGING_ZONE} = ${OTHER_ZONE}`, refs_secrets: `Other (UUID)… = ${SECRET_ID}` }, { userId: ADMIN });
    expect(refused.json).toEqual({
      response_action: 'errors',
      errors: {
        refs_hosted_zones: 'Line 2: a name cannot be a UUID: the import form shows it where a UUID is chosen, so it would pass for that UUID. Give it a name people recognise, e.g. Production zone.',
        refs_secrets: 'Line 1: “Other (UUID)…” is what the import form’s menus call their own choice for typing a UUID: choose another name.',
      },
    });
    expect(await bot.store.listReferences(TEAM)).toEqual([]);
  });

  test('an admin saves them; everyone reads them back, by kind and category', async () => {
    const form = await openModalByCommand(bot, slack, 'references', { userId: ADMIN });
    const saved = await submitModal(bot, form, NAMES, { userId: ADMIN });
    expect(saved.json.response_action).toBe('update');
    expect(JSON.stringify(saved.json.view)).toContain('2 hosted zones, 1 secret and 3 tools in 2 categories');
    expect((await bot.store.listReferences(TEAM)).map((r) => [r.kind, r.category, r.name, r.uuid])).toEqual([
      ['hosted_zone', '', 'Production zone', HOSTED_ZONE],
      ['hosted_zone', '', 'Staging zone', STAGING_ZONE],
      ['secret', '', 'prod-eks kubeconfig', SECRET_ID],
      ['tool', 'ASYNC TOOLS', 'Redis', REDIS],
      ['tool', 'MONITORING', 'Prometheus', PROMETHEUS],
      ['tool', 'MONITORING', 'Grafana', GRAFANA],
    ]);
    const text = allText(await commandReply(bot, slack, 'references', { userId: ALICE }));
    for (const shown of [`*Staging zone* → \`${STAGING_ZONE}\``, `*prod-eks kubeconfig* → \`${SECRET_ID}\``, `MONITORING: *Grafana* → \`${GRAFANA}\``, `Last changed by <@${ADMIN}>`]) expect(text).toContain(shown);
    // The admin's form shows them again, as typed.
    const again = await openModalByCommand(bot, slack, 'references', { userId: ADMIN });
    expect(shownIn(again, 'refs_hosted_zones')).toBe(NAMES.refs_hosted_zones);
  });
});

describe('the import form offers the names', () => {
  test('menus for the hosted zone and the secret, the connection’s defaults chosen; a menu per tool category; the body still carries the UUIDs', async () => {
    let view = await openImportModal(bot, slack, { text: 'provider=aws' });
    expect(shownIn(view, 'cluster_hostedZone_name')).toBe(HOSTED_ZONE);
    expect(shownIn(view, 'cluster_secretId_name')).toBe(SECRET_ID);
    // Named, so no UUID to type.
    expect(blockIds(view)).not.toContain('cluster_hostedZone');
    expect(blockIds(view)).not.toContain('cluster_secretId');
    view = await changeModal(bot, slack, view, 'more_settings', 'more_settings_show');
    expect(blockIds(view)).toEqual(expect.arrayContaining(['tools_MONITORING', 'tools_ASYNC TOOLS', 'cluster_clusterTools']));
    const monitoring = view.blocks.find((b: Json) => b.block_id === 'tools_MONITORING');
    expect(monitoring.element.type).toBe('multi_static_select');
    expect(monitoring.element.options.map((o: Json) => [o.text.text, o.value])).toEqual([
      ['Prometheus', PROMETHEUS],
      ['Grafana', GRAFANA],
    ]);

    const response = await submitModal(
      bot,
      view,
      validImportValues({
        cluster_region: 'us-west-2',
        cluster_hostedZone_name: STAGING_ZONE,
        tools_MONITORING: [PROMETHEUS, GRAFANA],
        'tools_ASYNC TOOLS': [REDIS],
        cluster_clusterTools: `TRAINING: ${RAY}`,
      }),
    );
    const done = await settled(requestIdIn(response), 'succeeded');
    const sent = simplismart.importRequests().at(-1)!.json;
    expect(sent.hosted_zone).toBe(STAGING_ZONE);
    expect(sent.secret_id).toBe(SECRET_ID);
    expect(sent.cluster_tools).toStrictEqual({ TRAINING: [RAY], MONITORING: [PROMETHEUS, GRAFANA], 'ASYNC TOOLS': [REDIS] });
    expect(done.request.payload).toBe(simplismart.importRequests().at(-1)!.body);
  });

  test('“Other (UUID)…” shows the typed field again; what is typed is sent', async () => {
    let view = await openImportModal(bot, slack, { text: 'provider=aws name=Elsewhere' });
    view = await changeModal(bot, slack, view, 'cluster_hostedZone_name', 'named_choice', validImportValues({ cluster_region: 'us-west-2' }), 'other');
    expect(shownIn(view, 'cluster_hostedZone_name')).toBe('other');
    expect(blockIds(view)).toContain('cluster_hostedZone');
    const response = await submitModal(bot, view, validImportValues({ cluster_name: 'Elsewhere', cluster_region: 'us-west-2', cluster_hostedZone_name: 'other', cluster_hostedZone: OTHER_ZONE }));
    await settled(requestIdIn(response), 'succeeded');
    expect(simplismart.importRequests().at(-1)!.json.hosted_zone).toBe(OTHER_ZONE);
  });

  test('removing every name changes no stored request; its form then shows the UUIDs typed', async () => {
    const response = await submitModal(
      bot,
      await changeModal(bot, slack, await openImportModal(bot, slack, { text: 'provider=aws' }), 'more_settings', 'more_settings_show'),
      validImportValues({ cluster_name: 'Kept', cluster_region: 'us-west-2', cluster_hostedZone_name: STAGING_ZONE, tools_MONITORING: [GRAFANA] }),
    );
    const done = await settled(requestIdIn(response), 'succeeded');
    const form = await openModalByCommand(bot, slack, 'references', { userId: ADMIN });
    await submitModal(bot, form, { refs_hosted_zones: null, refs_secrets: null, refs_tools: null }, { userId: ADMIN });
    expect(await bot.store.listReferences(TEAM)).toEqual([]);
    expect((await bot.store.getRequest(done.request.id))?.payload).toBe(done.request.payload);

    const similar = await clickToOpen(bot, slack, done.outcome, 'request_import_similar');
    expect(blockIds(similar)).not.toContain('cluster_hostedZone_name');
    expect(shownIn(similar, 'cluster_hostedZone')).toBe(STAGING_ZONE);
    expect(shownIn(similar, 'cluster_clusterTools')).toBe(`MONITORING: ${GRAFANA}`);
  });
});
