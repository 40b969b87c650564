// The local Slack as several workspaces, checked with the real WebClient: a token reaches only its own
// workspace (or, org-wide, its org's), as Slack refuses the rest; and installing works the way Slack's
// does — the authorize page sends the browser back with a code, oauth.v2.access exchanges it once, a
// refresh token is good once, an uninstall revokes the install's tokens.
import { WebClient } from '@slack/web-api';
import { startFakeSlack, type FakeSlack } from '../support/fakeSlack.js';

const ONE = 'T0ONE';
const TWO = 'T0TWO';
const GRID_A = 'T0GRIDA';
const GRID_B = 'T0GRIDB';
const ORG = 'E0ORG';
const APP = { clientId: '111.222', clientSecret: 'secretsecretsecret', redirectUri: 'https://bot.example/slack/oauth_redirect' };

const client = (slack: FakeSlack, token?: string) => new WebClient(token, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
const refused = (error: string) => expect.objectContaining({ data: expect.objectContaining({ error }) });

describe('a token reaches its own workspace only', () => {
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = await startFakeSlack({
      teamId: ONE,
      teams: { [TWO]: {}, [GRID_A]: { enterpriseId: ORG }, [GRID_B]: { enterpriseId: ORG } },
      tokens: {
        'xoxb-one': { teamId: ONE },
        'xoxb-two': { teamId: TWO, botUserId: 'U0BOTTWO' },
        'xoxb-grid-a': { teamId: GRID_A, enterpriseId: ORG },
        'xoxb-org': { teamId: ORG, enterpriseId: ORG, orgWide: true },
      },
      users: { U0ONE: {}, U0TWO: { team_id: TWO }, U0GA: { team_id: GRID_A }, U0GB: { team_id: GRID_B } },
      channels: { C0ONE: {}, C0TWO: { team_id: TWO }, C0GB: { team_id: GRID_B } },
      groups: { S0ONE: ['U0ONE'] },
    });
    slack.setGroupMembers('S0TWO', ['U0TWO'], { team_id: TWO });
  });
  afterAll(() => slack.close());

  test('channels and DMs of another workspace are channel_not_found; its own are fine', async () => {
    await expect(client(slack, 'xoxb-one').chat.postMessage({ channel: 'C0ONE', text: 'hi' })).resolves.toMatchObject({ ok: true });
    await expect(client(slack, 'xoxb-one').chat.postMessage({ channel: 'C0TWO', text: 'hi' })).rejects.toEqual(refused('channel_not_found'));
    await expect(client(slack, 'xoxb-two').chat.postMessage({ channel: 'U0TWO', text: 'a DM' })).resolves.toMatchObject({ channel: 'D0TWO' });
    await expect(client(slack, 'xoxb-one').chat.postMessage({ channel: 'U0TWO', text: 'a DM' })).rejects.toEqual(refused('channel_not_found'));
    const posted = await client(slack, 'xoxb-two').chat.postMessage({ channel: 'C0TWO', text: 'hi' });
    await expect(client(slack, 'xoxb-one').chat.update({ channel: 'C0TWO', ts: posted.ts!, text: 'edited' })).rejects.toEqual(refused('channel_not_found'));
    await expect(client(slack, 'xoxb-one').chat.getPermalink({ channel: 'C0TWO', message_ts: posted.ts! })).rejects.toEqual(refused('channel_not_found'));
    await expect(client(slack, 'xoxb-one').conversations.info({ channel: 'C0TWO' })).rejects.toEqual(refused('channel_not_found'));
  });

  test('people, groups, Home tabs and views of another workspace are not found', async () => {
    await expect(client(slack, 'xoxb-one').users.info({ user: 'U0TWO' })).rejects.toEqual(refused('user_not_found'));
    await expect(client(slack, 'xoxb-two').users.info({ user: 'U0TWO' })).resolves.toMatchObject({ user: { id: 'U0TWO', team_id: TWO } });
    await expect(client(slack, 'xoxb-one').usergroups.users.list({ usergroup: 'S0TWO' })).rejects.toEqual(refused('no_such_subteam'));
    expect((await client(slack, 'xoxb-two').usergroups.list({})).usergroups?.map((g) => g.id)).toEqual(['S0TWO']);
    const home = { type: 'home' as const, blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: 'hi' } }] };
    await expect(client(slack, 'xoxb-one').views.publish({ user_id: 'U0TWO', view: home })).rejects.toEqual(refused('user_not_found'));
    const published = await client(slack, 'xoxb-two').views.publish({ user_id: 'U0TWO', view: home });
    await expect(client(slack, 'xoxb-one').views.update({ view_id: published.view!.id!, view: home })).rejects.toEqual(refused('not_found'));
    const trigger = slack.issueTrigger({ teamId: TWO });
    const modal = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'x' }, blocks: [] };
    await expect(client(slack, 'xoxb-one').views.open({ trigger_id: trigger, view: modal })).rejects.toEqual(refused('invalid_trigger_id'));
    await expect(client(slack, 'xoxb-two').views.open({ trigger_id: trigger, view: modal })).resolves.toMatchObject({ ok: true });
  });

  test('an org-wide token reaches every workspace of its org, and no other; a workspace token of the org only its own', async () => {
    await expect(client(slack, 'xoxb-org').chat.postMessage({ channel: 'C0GB', text: 'hi' })).resolves.toMatchObject({ ok: true });
    await expect(client(slack, 'xoxb-org').users.info({ user: 'U0GA' })).resolves.toMatchObject({ ok: true });
    await expect(client(slack, 'xoxb-org').chat.postMessage({ channel: 'C0TWO', text: 'hi' })).rejects.toEqual(refused('channel_not_found'));
    await expect(client(slack, 'xoxb-grid-a').chat.postMessage({ channel: 'C0GB', text: 'hi' })).rejects.toEqual(refused('channel_not_found'));
    expect(await client(slack, 'xoxb-org').auth.test()).toMatchObject({ enterprise_id: ORG, is_enterprise_install: true });
  });

  test('a Home view carries no title or submit, as Slack requires', async () => {
    const bad = { type: 'home' as const, title: { type: 'plain_text' as const, text: 'Home' }, blocks: [] };
    await expect(client(slack, 'xoxb-one').views.publish({ user_id: 'U0ONE', view: bad })).rejects.toEqual(refused('invalid_arguments'));
  });
});

describe('installing the app', () => {
  let slack: FakeSlack;
  beforeEach(async () => {
    slack = await startFakeSlack({ teamId: ONE, teams: { [TWO]: {}, [GRID_A]: { enterpriseId: ORG } }, oauth: { ...APP, tokenLifetimeSeconds: 43_200 } });
  });
  afterEach(() => slack.close());

  /** The authorize page, signed in as `session`, for the app's link; the code it sends back. */
  async function authorize(session: Parameters<FakeSlack['sessionCookie']>[0], query: Record<string, string> = {}): Promise<{ status: number; location: URL | null }> {
    const url = new URL('/oauth/v2/authorize', slack.url);
    for (const [k, v] of Object.entries({ client_id: APP.clientId, scope: 'commands,chat:write', state: 'st4te', ...query })) url.searchParams.set(k, v);
    const answer = await fetch(url, { redirect: 'manual', headers: { cookie: slack.sessionCookie(session) } });
    await answer.text();
    const location = answer.headers.get('location');
    return { status: answer.status, location: location === null ? null : new URL(location) };
  }

  const exchange = (args: Record<string, string>) => client(slack).oauth.v2.access({ client_id: APP.clientId, client_secret: APP.clientSecret, ...args });

  test('approve → a code for the app’s redirect with the state → once exchanged for that workspace’s bot token', async () => {
    const { status, location } = await authorize({ teamId: TWO, userId: 'U0INSTALLER' });
    expect(status).toBe(302);
    expect(`${location!.origin}${location!.pathname}`).toBe(APP.redirectUri);
    expect(location!.searchParams.get('state')).toBe('st4te');
    const code = location!.searchParams.get('code')!;
    const answer = await exchange({ code });
    expect(answer).toMatchObject({ ok: true, token_type: 'bot', team: { id: TWO }, enterprise: null, is_enterprise_install: false, authed_user: { id: 'U0INSTALLER' }, scope: 'commands,chat:write', expires_in: 43_200 });
    expect(await client(slack, answer.access_token).auth.test()).toMatchObject({ team_id: TWO, user_id: answer.bot_user_id });
    await expect(exchange({ code })).rejects.toEqual(refused('invalid_code'));
    // The call to Slack was recorded without the app's secret.
    expect(JSON.stringify(slack.callsTo('oauth.v2.access').map((c) => c.args))).not.toContain(APP.clientSecret);
  });

  test('wrong credentials, a foreign redirect, a cancel', async () => {
    const code = (await authorize({ teamId: ONE, userId: 'U1' })).location!.searchParams.get('code')!;
    await expect(client(slack).oauth.v2.access({ client_id: APP.clientId, client_secret: 'wrong', code })).rejects.toEqual(refused('bad_client_secret'));
    await expect(client(slack).oauth.v2.access({ client_id: '999.999', client_secret: APP.clientSecret, code })).rejects.toEqual(refused('invalid_client_id'));
    expect((await authorize({ teamId: ONE, userId: 'U1' }, { redirect_uri: 'https://evil.example/cb' })).status).toBe(400);
    const cancelled = await authorize({ teamId: ONE, userId: 'U1', cancels: true });
    expect(cancelled.location!.searchParams.get('error')).toBe('access_denied');
    expect(cancelled.location!.searchParams.get('code')).toBeNull();
  });

  test('a refresh token is good once, for a new pair; the old access token lives until it expires', async () => {
    const code = (await authorize({ teamId: ONE, userId: 'U1' })).location!.searchParams.get('code')!;
    const first = await exchange({ code });
    const second = await exchange({ grant_type: 'refresh_token', refresh_token: first.refresh_token! });
    expect(second).toMatchObject({ ok: true, token_type: 'bot', expires_in: 43_200 });
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    await expect(exchange({ grant_type: 'refresh_token', refresh_token: first.refresh_token! })).rejects.toEqual(refused('invalid_refresh_token'));
    await expect(client(slack, first.access_token).auth.test()).resolves.toMatchObject({ team_id: ONE });
    expect(slack.install(ONE)?.botToken).toBe(second.access_token);
  });

  test('an org-wide install gets one token for the org; uninstalling revokes every token of the install', async () => {
    const code = (await authorize({ teamId: GRID_A, userId: 'U0ADMIN', orgWide: true, enterpriseId: ORG })).location!.searchParams.get('code')!;
    const answer = await exchange({ code });
    expect(answer).toMatchObject({ team: null, enterprise: { id: ORG }, is_enterprise_install: true });
    expect(slack.install(`enterprise:${ORG}`)?.botToken).toBe(answer.access_token);
    slack.uninstall({ enterpriseId: ORG });
    await expect(client(slack, answer.access_token).auth.test()).rejects.toEqual(refused('token_revoked'));
    await expect(exchange({ grant_type: 'refresh_token', refresh_token: answer.refresh_token! })).rejects.toEqual(refused('invalid_refresh_token'));
    expect(slack.issuedTokens()).toEqual(expect.arrayContaining([answer.access_token, answer.refresh_token]));
  });

  test('once the app has OAuth credentials, a token nobody issued is invalid_auth', async () => {
    await expect(client(slack, 'xoxb-made-up').auth.test()).rejects.toEqual(refused('invalid_auth'));
  });
});
