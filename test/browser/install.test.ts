// The OAuth install flow in a real browser (headless Chromium, `npm run test:browser`): the bot's install
// page → the local Slack's authorize page → the redirect back → the success page, so that the state
// cookie is kept and sent as a browser does it — its SameSite, Secure, HttpOnly, Path and Max-Age
// enforced by Chromium, not assumed by a test that writes the Cookie header itself (test/e2e/oauth.test.ts).
// The bot is reached as http://localhost:PORT and the local Slack as http://127.0.0.1:PORT: two sites,
// so coming back from Slack is a cross-site navigation, as from slack.com to the bot's own domain.
import { ClearStateStore } from '@slack/oauth';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { INSTALL_LINK_SECONDS } from '../../src/services/oauthStates.js';
import { BOT_SCOPES } from '../../src/services/botTokens.js';
import { launchChromium } from '../support/browser.js';
import { ADMIN, TEAM, TEAM_TWO } from '../support/fixtures.js';
import { STATE_SECRET } from '../support/oauth.js';
import type { SlackSession } from '../support/slackOAuth.js';
import { useBot } from '../support/world.js';

const STATE_COOKIE = 'slack-app-oauth-state';
const ADMIN_TWO = 'U0ADMIN2T2';

const { bot, slack } = useBot({
  slack: { teams: { [TEAM_TWO]: { name: 'Team Two' } }, users: { [ADMIN]: { is_admin: true }, [ADMIN_TWO]: { is_admin: true, team_id: TEAM_TWO } } },
  oauth: { installs: [] },
  connect: [],
});

let browser: Browser;
const contexts: BrowserContext[] = [];
/** The bot on a site of its own: `localhost`, where the local Slack is `127.0.0.1`. */
const botSite = () => bot.url.replace('//127.0.0.1:', '//localhost:');
const redirectPath = () => `${botSite()}/slack/oauth_redirect`;
const exchanges = () => slack.callsTo('oauth.v2.access').length;

beforeAll(async () => {
  browser = await launchChromium();
  slack.setRedirectUri(redirectPath());
  expect(new URL(botSite()).hostname).not.toBe(new URL(slack.url).hostname);
}, 60_000);
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
  for (const key of [`team:${TEAM}`, `team:${TEAM_TWO}`]) await bot.store.deleteInstallation(key);
});

/** A browser of its own (its own cookies), signed in to the local Slack as `session` when given. */
async function aBrowser(session?: SlackSession): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  contexts.push(context);
  if (session !== undefined) {
    const [name = '', value = ''] = slack.sessionCookie(session).split(/=(.*)/s);
    await context.addCookies([{ name, value, url: slack.url }]);
  }
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return { context, page };
}

const stateCookie = async (context: BrowserContext) => (await context.cookies(botSite())).find((c) => c.name === STATE_COOKIE);

/** The page's visible text. */
const shown = (page: Page) => page.locator('body').innerText();

/** Signed in to the local Slack in a browser: its authorize page waits for a click on Allow or Cancel. */
const person = (teamId: string, userId: string): SlackSession => ({ teamId, userId, clicks: true });

/**
 * On Slack's authorize page, the person clicks `button`: the navigation back to the bot starts on
 * Slack's site, as it does from slack.com. Resolves with the redirect the browser followed and its answer.
 */
async function decideOnSlack(page: Page, button: '#allow' | '#cancel'): Promise<{ status: number | undefined; redirect: string; cookieSent: string | undefined }> {
  await page.waitForURL(`${slack.url}/oauth/v2/authorize?**`);
  const back = page.waitForRequest((request) => request.url().startsWith(redirectPath()));
  const landed = page.waitForResponse((response) => response.url().startsWith(redirectPath()));
  await page.click(button);
  const request = await back;
  const response = await landed;
  await page.waitForLoadState();
  return { status: response.status(), redirect: request.url(), cookieSent: (await request.allHeaders())['cookie'] };
}

/** The install page opened, Add to Slack clicked, and `button` on Slack's page. */
async function install(page: Page, button: '#allow' | '#cancel' = '#allow'): ReturnType<typeof decideOnSlack> {
  await page.goto(`${botSite()}/slack/install`);
  await page.click('#add-to-slack');
  return decideOnSlack(page, button);
}

test('the install page keeps its state in a cookie the browser holds for ten minutes, out of reach of scripts', async () => {
  const { context, page } = await aBrowser();
  const before = Date.now() / 1000;
  const answer = await page.goto(`${botSite()}/slack/install`);
  expect(answer?.status()).toBe(200);
  const cookie = await stateCookie(context);
  expect(cookie).toMatchObject({ path: '/', httpOnly: true, secure: true });
  expect(cookie!.expires).toBeGreaterThanOrEqual(Math.floor(before) + INSTALL_LINK_SECONDS - 5);
  expect(cookie!.expires).toBeLessThanOrEqual(Date.now() / 1000 + INSTALL_LINK_SECONDS + 5);
  expect(await page.evaluate('document.cookie')).not.toContain(STATE_COOKIE);
  // The link to Slack carries the same state.
  const href = await page.getAttribute('#add-to-slack', 'href');
  expect(new URL(href!).searchParams.get('state')).toBe(cookie!.value);
  expect(new URL(href!).host).toBe(new URL(slack.url).host);
});

test('install page → Slack’s authorize page → back to the bot across sites: the state cookie goes along, the workspace is installed, the cookie is cleared', async () => {
  const { context, page } = await aBrowser(person(TEAM_TWO, ADMIN_TWO));
  const before = exchanges();
  const { status, redirect, cookieSent } = await install(page);
  expect(new URL(redirect).searchParams.get('code')).toBeTruthy();
  expect(cookieSent).toMatch(new RegExp(`(^|; )${STATE_COOKIE}=`));
  expect(status).toBe(200);
  expect(await shown(page)).toMatch(/Simplismart is installed in Team Two/);
  expect(exchanges()).toBe(before + 1);
  expect(await bot.store.getInstallation(`team:${TEAM_TWO}`)).toBeDefined();
  expect(await stateCookie(context)).toBeUndefined();

  // The same redirect again (back, reload, a copied link): refused, nothing exchanged — also with the
  // state cookie put back, the state being good once.
  const again = await page.goto(redirect);
  expect(again?.status()).toBe(400);
  expect(await shown(page)).toMatch(/This install link cannot be used/);
  const state = new URL(redirect).searchParams.get('state')!;
  await context.addCookies([{ name: STATE_COOKIE, value: state, url: botSite(), httpOnly: true, secure: true }]);
  const replayed = await page.goto(redirect);
  expect(replayed?.status()).toBe(400);
  expect(await shown(page)).toMatch(/expired, was already used, or was opened in another browser/);
  expect(exchanges()).toBe(before + 1);
});

test('the redirect opened in another browser than the one that started the install is refused; the right browser still finishes it', async () => {
  const { page } = await aBrowser(person(TEAM, ADMIN));
  // Slack sends the first browser back to a page of the bot that is not the redirect (playwright cannot
  // hold a redirected navigation): the redirect it would have followed is handed to a second browser.
  slack.setRedirectUri(`${botSite()}/held`);
  try {
    await page.goto(`${botSite()}/slack/install`);
    await page.click('#add-to-slack');
    await page.waitForURL(`${slack.url}/oauth/v2/authorize?**`);
    await page.click('#allow');
    await page.waitForURL(`${botSite()}/held?**`);
  } finally {
    slack.setRedirectUri(redirectPath());
  }
  const redirect = page.url().replace('/held?', '/slack/oauth_redirect?');

  const before = exchanges();
  const other = await aBrowser();
  const refused = await other.page.goto(redirect);
  expect(refused?.status()).toBe(400);
  expect(await shown(other.page)).toMatch(/opened in another browser/);
  expect(exchanges()).toBe(before);

  const done = await page.goto(redirect);
  expect(done?.status()).toBe(200);
  expect(await shown(page)).toMatch(/Simplismart is installed/);
  expect(exchanges()).toBe(before + 1);
});

test('someone who clicks Cancel on Slack’s page is told nothing was installed', async () => {
  const { page } = await aBrowser(person(TEAM, ADMIN));
  const before = exchanges();
  const { status, redirect } = await install(page, '#cancel');
  expect(new URL(redirect).searchParams.get('error')).toBe('access_denied');
  expect(status).toBe(400);
  expect(await shown(page)).toMatch(/The install was cancelled on Slack’s page[\s\S]*Nothing was installed/);
  expect(exchanges()).toBe(before);
  expect(await bot.store.getInstallation(`team:${TEAM}`)).toBeUndefined();
});

test('a state older than ten minutes is refused with the expired-link page, though the browser still sent its cookie', async () => {
  // What a browser holds when the link is older than its ten minutes (the cookie outlived its Max-Age, or
  // the clocks disagree): a state signed with the bot's secret eleven minutes ago, in the cookie and the link.
  const signer = new ClearStateStore(STATE_SECRET, INSTALL_LINK_SECONDS);
  const stale = await signer.generateStateParam({ scopes: [...BOT_SCOPES] }, new Date(Date.now() - (INSTALL_LINK_SECONDS + 60) * 1000));
  const fresh = await signer.generateStateParam({ scopes: [...BOT_SCOPES] }, new Date());
  const before = exchanges();

  async function installWith(state: string): Promise<{ page: Page; status: number | undefined; cookieSent: string | undefined }> {
    const { context, page } = await aBrowser(person(TEAM, ADMIN));
    await page.goto(`${botSite()}/slack/install`);
    await context.addCookies([{ name: STATE_COOKIE, value: state, url: botSite(), httpOnly: true, secure: true }]);
    const link = new URL((await page.getAttribute('#add-to-slack', 'href'))!);
    link.searchParams.set('state', state);
    await page.goto(link.toString());
    return { page, ...(await decideOnSlack(page, '#allow')) };
  }

  const expired = await installWith(stale);
  expect(expired.cookieSent).toContain(`${STATE_COOKIE}=${stale}`);
  expect(expired.status).toBe(400);
  expect(await shown(expired.page)).toMatch(/This install link cannot be used/);
  expect(exchanges()).toBe(before);
  expect(await bot.store.getInstallation(`team:${TEAM}`)).toBeUndefined();

  // The same steps with a state signed now go through: it was the age that was refused.
  const current = await installWith(fresh);
  expect(current.status).toBe(200);
  expect(exchanges()).toBe(before + 1);
});
