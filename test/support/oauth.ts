// Installing the bot in a workspace as a person does it with a browser, over real HTTP: the bot's
// install page (its state cookie kept), the local Slack's authorize page (signed in as the session),
// and back to the bot's OAuth redirect with that cookie — which stores the workspace's installation.
import type { TestBot } from './bot.js';
import type { FakeSlack, SlackCall } from './fakeSlack.js';
import type { Install, SlackSession } from './slackOAuth.js';

export const CLIENT_ID = '1111111111.2222222222';
export const CLIENT_SECRET = 'c0ffee00c0ffee00c0ffee00c0ffee00';
export const STATE_SECRET = 'state-secret-for-tests-9f3b7c1d';

/** The environment of a bot any workspace may install (no SLACK_BOT_TOKEN). */
export const OAUTH_ENV: Readonly<Record<string, string>> = {
  SLACK_BOT_TOKEN: '',
  SLACK_CLIENT_ID: CLIENT_ID,
  SLACK_CLIENT_SECRET: CLIENT_SECRET,
  SLACK_STATE_SECRET: STATE_SECRET,
};

/** The install page's link to Slack and the state cookie it set in the browser. */
export interface InstallLink {
  authorizeUrl: string;
  state: string;
  /** `slack-app-oauth-state=<state>`: what the browser sends back. */
  cookie: string;
}

/** What installing needs of a bot: a browser's GET of its pages. */
export type Browsable = Pick<TestBot, 'browse'>;

/** A browser's GET of the pages of a bot at `url` (the built bot as a process: nothing audits its answers here). */
export function browserAt(url: string): Browsable {
  return {
    browse: async (pathOrUrl, o = {}) => {
      const response = await fetch(new URL(pathOrUrl, url), { redirect: 'manual', headers: o.cookie === undefined ? {} : { cookie: o.cookie }, signal: AbortSignal.timeout(10_000) });
      return { status: response.status, text: await response.text(), headers: response.headers };
    },
  };
}

export async function openInstallPage(bot: Browsable): Promise<InstallLink> {
  const page = await bot.browse('/slack/install');
  expect(page.status).toBe(200);
  const href = /id="add-to-slack" href="([^"]+)"/.exec(page.text)?.[1];
  if (href === undefined) throw new Error(`no Add to Slack link on the install page:\n${page.text.slice(0, 500)}`);
  const authorizeUrl = href.replace(/&amp;/g, '&');
  const cookie = /^(slack-app-oauth-state=[^;]+)/.exec(page.headers.get('set-cookie') ?? '')?.[1];
  if (cookie === undefined) throw new Error(`the install page set no state cookie: ${page.headers.get('set-cookie')}`);
  const state = new URL(authorizeUrl).searchParams.get('state') ?? '';
  return { authorizeUrl, state, cookie };
}

/** The local Slack's authorize page, signed in as `session`: where it sends the browser back. */
export async function approveOnSlack(slack: FakeSlack, link: InstallLink, session: SlackSession): Promise<string> {
  const answer = await fetch(link.authorizeUrl, { redirect: 'manual', headers: { cookie: slack.sessionCookie(session) }, signal: AbortSignal.timeout(5000) });
  await answer.text();
  const location = answer.headers.get('location');
  if (answer.status !== 302 || location === null) throw new Error(`the authorize page answered ${answer.status} instead of sending the browser back`);
  return location;
}

/** The whole install, as a person does it; resolves with the redirect's answer and the install Slack made. */
export async function installApp(bot: Browsable, slack: FakeSlack, session: SlackSession): Promise<{ status: number; text: string; install: Install | undefined }> {
  const link = await openInstallPage(bot);
  const back = await approveOnSlack(slack, link, session);
  const landed = await bot.browse(back, { cookie: link.cookie });
  const key = session.orgWide === true ? `enterprise:${session.enterpriseId ?? ''}` : `team:${session.teamId}`;
  return { status: landed.status, text: landed.text, install: slack.install(key) };
}

/**
 * Every Web API call the bot made was accepted — the local Slack refuses a token of another workspace —
 * and each call naming a channel, a DM or a person listed in `tokenOf` carried that one's workspace token.
 */
export function expectCallsWithOwnTokens(calls: readonly SlackCall[], tokenOf: Readonly<Record<string, string>>): void {
  const api = calls.filter((c) => c.method !== 'response_url' && c.method !== 'oauth/v2/authorize' && c.method !== 'oauth.v2.access');
  expect(api.length).toBeGreaterThan(0);
  expect(api.filter((c) => c.response?.ok !== true).map((c) => `${c.method}: ${String(c.response?.error)}`)).toEqual([]);
  for (const call of api) {
    const where = String(call.args.channel ?? call.args.user_id ?? call.args.user ?? '');
    const expected = tokenOf[where];
    if (expected !== undefined) expect({ method: call.method, where, token: call.token }).toEqual({ method: call.method, where, token: expected });
  }
}
