// The bot installed in many workspaces, for the phases that need them: each installed the way a person
// does it with a browser (the bot's install page and its state cookie, the local Slack's authorize page
// signed in as that workspace's admin, back to the bot's OAuth redirect, which exchanges the code with
// oauth.v2.access and stores the installation), then connected to a Simplismart token of its own through
// the connect form an admin submits, and, for some, given an approval policy through the policy form.
import { SlackOAuth } from '../test/support/slackOAuth.js';
import { type Person, connectSubmission, policySubmission, sign } from './requests.js';
import { ADMIN_PREFIX } from './slackServer.js';
import type { SlackRequest } from '../test/support/slackRequests.js';

/** A workspace as the phases use it: its people and its Simplismart token. */
export interface Workspace {
  teamId: string;
  /** Submits imports, runs commands, opens Home. */
  member: Person;
  /** Installs the app, connects it, sets the policy (a workspace admin: users.info says so). */
  admin: Person;
  /** Approves, where a policy asks for approval. */
  approver: Person;
  simplismartToken: string;
  org: string;
}

/** A workspace's people, named after it: `T…` → member `U…`, admin `UADM…`, approver `UAPR…`; channel `C…`. */
export function workspace(teamId: string, simplismartToken: string, org: string): Workspace {
  const tail = teamId.slice(1);
  const channelId = `C${tail}`;
  return {
    teamId,
    member: { teamId, userId: `U${tail}`, channelId },
    admin: { teamId, userId: `${ADMIN_PREFIX}${tail}`, channelId },
    approver: { teamId, userId: `UAPR${tail}`, channelId },
    simplismartToken,
    org,
  };
}

/** The bot's install page → the local Slack's authorize page → the bot's redirect; throws unless it answered 200. */
export async function install(botUrl: string, admin: Person): Promise<void> {
  const page = await fetch(new URL('/slack/install', botUrl), { redirect: 'manual' });
  const html = await page.text();
  const href = /id="add-to-slack" href="([^"]+)"/.exec(html)?.[1];
  const cookie = /^(slack-app-oauth-state=[^;]+)/.exec(page.headers.get('set-cookie') ?? '')?.[1];
  if (href === undefined || cookie === undefined) throw new Error(`install page (${page.status}) without its link or state cookie: ${html.slice(0, 200)}`);
  const authorize = await fetch(href.replace(/&amp;/g, '&'), { redirect: 'manual', headers: { cookie: SlackOAuth.cookie({ teamId: admin.teamId, userId: admin.userId }) } });
  await authorize.text();
  const back = authorize.headers.get('location');
  if (authorize.status !== 302 || back === null) throw new Error(`the local Slack's authorize page answered ${authorize.status} for ${admin.teamId}`);
  const landed = await fetch(back, { redirect: 'manual', headers: { cookie } });
  const text = await landed.text();
  if (landed.status !== 200) throw new Error(`installing in ${admin.teamId}: the redirect answered ${landed.status}: ${text.slice(0, 200)}`);
}

/** Posts a signed request to the bot and reads its answer (not timed: setting workspaces up). */
export async function send(botUrl: string, request: SlackRequest): Promise<{ status: number; json: Record<string, unknown> | undefined }> {
  const answer = await fetch(new URL('/slack/events', botUrl), { method: 'POST', headers: sign(request.body, request.contentType), body: request.body });
  const text = await answer.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    json = undefined;
  }
  return { status: answer.status, json };
}

/** A form submission the bot must accept by replacing the modal (response_action: update), else throws with its answer. */
async function submitForm(botUrl: string, what: string, request: SlackRequest): Promise<void> {
  const answer = await send(botUrl, request);
  if (answer.status !== 200 || answer.json?.['response_action'] !== 'update') throw new Error(`${what}: the bot answered ${answer.status} ${JSON.stringify(answer.json)}`);
}

/** Installs, connects and (for those in `approval`) sets a policy in every workspace, `parallel` at a time. */
export async function setUp(botUrl: string, workspaces: readonly Workspace[], options: { parallel?: number; approval?: (w: Workspace) => boolean } = {}): Promise<void> {
  await eachInParallel(workspaces, options.parallel ?? 8, async (w) => {
    await install(botUrl, w.admin);
    await submitForm(botUrl, `connecting ${w.teamId}`, connectSubmission(w.admin, w.simplismartToken, w.org));
    if (options.approval?.(w) === true) await submitForm(botUrl, `the approval policy of ${w.teamId}`, policySubmission(w.admin, w.approver.userId));
  });
}

export async function eachInParallel<T>(items: readonly T[], parallel: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}
