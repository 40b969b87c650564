// The local Slack's side of installing an app: its authorize page (the person signed in — told by a
// session cookie — approves, and the browser is sent to the app's redirect URL with a one-time code),
// `oauth.v2.access` (a code exchanged for a bot token of that workspace, or of a whole Enterprise Grid
// org for an org-wide install; a refresh token exchanged for a new pair when token rotation is on), and
// uninstalling (every token of the install revoked). Tokens it issues are kept across reset(): they are
// what the workspaces installed, not what a test did.
import { randomBytes } from 'node:crypto';

/* eslint-disable @typescript-eslint/no-explicit-any -- Slack arguments and answers are free-form JSON. */
type Json = any;

/** The app as Slack knows it (Basic Information → App Credentials). */
export interface OAuthAppOptions {
  clientId: string;
  clientSecret: string;
  /** The app's redirect URL (manifest `oauth_config.redirect_urls`); one given on the authorize link must match it. */
  redirectUri?: string;
  /** Token rotation on: bot tokens expire after this many seconds and come with a refresh token. */
  tokenLifetimeSeconds?: number;
}

/** Who is signed in to Slack in the browser that opens the authorize page. */
export interface SlackSession {
  teamId: string;
  userId: string;
  /** An org admin installing for the whole Enterprise Grid organisation (`is_enterprise_install`). */
  orgWide?: boolean;
  enterpriseId?: string;
  /** The person clicks Cancel instead of Allow. */
  cancels?: boolean;
  /**
   * A person in a browser: the authorize page is shown, with Allow and Cancel, and only a click on one
   * sends them back — from Slack's own page, as on slack.com (a browser test's cookies across sites
   * depend on who started the navigation). Otherwise the page answers at once, as if Allow (or Cancel,
   * with `cancels`) had been clicked.
   */
  clicks?: boolean;
}

/** Whom a token this Slack issued speaks for. */
export interface IssuedToken {
  kind: 'bot' | 'refresh';
  /** The install it belongs to (`team:T…` or `enterprise:E…`). */
  install: string;
  teamId: string;
  enterpriseId: string | undefined;
  orgWide: boolean;
  botUserId: string;
  botId: string;
  /** ms since the epoch; undefined: never expires. */
  expiresAt: number | undefined;
  revoked: boolean;
}

/** An installed app in one workspace or org: its bot, and its current tokens. */
export interface Install {
  key: string;
  teamId: string;
  enterpriseId: string | undefined;
  orgWide: boolean;
  botUserId: string;
  botId: string;
  botToken: string;
  refreshToken: string | undefined;
  installerId: string;
  scopes: string[];
}

const SESSION_COOKIE = 'fake-slack-session';
const CODE_LIFETIME_MS = 10 * 60 * 1000;

export class SlackOAuth {
  /** Every token issued, by value (bot access tokens and refresh tokens). */
  readonly issued = new Map<string, IssuedToken>();
  readonly installs = new Map<string, Install>();
  private readonly codes = new Map<string, { session: SlackSession; scopes: string[]; redirectUri: string | undefined; expiresAt: number; used: boolean }>();
  private seq = 0;

  constructor(
    readonly app: OAuthAppOptions | undefined,
    private readonly appId: string,
    private readonly enterpriseOf: (teamId: string) => string | undefined,
    private readonly teamName: (teamId: string) => string,
  ) {}

  /** The cookie a browser signed in as `session` sends to the authorize page. */
  static cookie(session: SlackSession): string {
    return `${SESSION_COOKIE}=${encodeURIComponent(JSON.stringify(session))}`;
  }

  /**
   * GET /oauth/v2/authorize: the signed-in person approves (or cancels) and is sent back to the app with
   * a code and the app's state; what Slack itself would refuse is answered 400 with the reason.
   */
  authorize(query: URLSearchParams, cookieHeader: string | undefined): { status: number; location?: string; text: string; html?: boolean } {
    if (this.app === undefined || query.get('client_id') !== this.app.clientId) return { status: 400, text: 'invalid_client_id' };
    const session = readSession(cookieHeader);
    if (session === undefined) return { status: 401, text: 'not signed in to Slack (no fake-slack-session cookie)' };
    const redirect = query.get('redirect_uri') ?? this.app.redirectUri;
    if (redirect === undefined) return { status: 400, text: 'no redirect_uri, and the app has no redirect URL' };
    if (this.app.redirectUri !== undefined && redirect !== this.app.redirectUri) return { status: 400, text: 'bad_redirect_uri' };
    const scopes = (query.get('scope') ?? '').split(',').filter(Boolean);
    if (scopes.length === 0) return { status: 400, text: 'invalid_scope: no bot scope asked for' };
    const decision = query.get('decision');
    if (session.clicks === true && decision === null) return { status: 200, text: consentPage(query, scopes), html: true };
    const back = new URL(redirect);
    const state = query.get('state');
    if (session.cancels === true || decision === 'cancel') {
      back.searchParams.set('error', 'access_denied');
    } else {
      const code = `${Date.now()}.${randomBytes(12).toString('hex')}`;
      this.codes.set(code, { session, scopes, redirectUri: query.get('redirect_uri') ?? undefined, expiresAt: Date.now() + CODE_LIFETIME_MS, used: false });
      back.searchParams.set('code', code);
    }
    if (state !== null) back.searchParams.set('state', state);
    return { status: 302, location: back.toString(), text: '' };
  }

  /** `oauth.v2.access`: a code (once, within ten minutes) or a refresh token exchanged for a bot token. */
  access(args: Json): Json {
    if (this.app === undefined || args.client_id !== this.app.clientId) return { ok: false, error: 'invalid_client_id' };
    if (args.client_secret !== this.app.clientSecret) return { ok: false, error: 'bad_client_secret' };
    if (args.grant_type === 'refresh_token') return this.refresh(String(args.refresh_token ?? ''));
    if (args.grant_type !== undefined && args.grant_type !== 'authorization_code') return { ok: false, error: 'invalid_grant_type' };
    const grant = this.codes.get(String(args.code ?? ''));
    if (grant === undefined || grant.used || grant.expiresAt < Date.now()) return { ok: false, error: 'invalid_code' };
    if (grant.redirectUri !== undefined && args.redirect_uri !== undefined && args.redirect_uri !== grant.redirectUri) return { ok: false, error: 'bad_redirect_uri' };
    grant.used = true;
    const install = this.install(grant.session, grant.scopes);
    return this.answer(install, { authed_user: { id: install.installerId } });
  }

  /** Uninstalls the app from a workspace (or, org-wide, an org): every token of that install is revoked. */
  uninstall(scope: { teamId: string } | { enterpriseId: string }): Install | undefined {
    const key = 'teamId' in scope ? `team:${scope.teamId}` : `enterprise:${scope.enterpriseId}`;
    const install = this.installs.get(key);
    this.installs.delete(key);
    for (const token of this.issued.values()) if (token.install === key) token.revoked = true;
    return install;
  }

  private install(session: SlackSession, scopes: string[]): Install {
    const orgWide = session.orgWide === true;
    const enterpriseId = session.enterpriseId ?? this.enterpriseOf(session.teamId);
    if (orgWide && enterpriseId === undefined) throw new Error('an org-wide install needs an enterprise');
    const key = orgWide ? `enterprise:${enterpriseId}` : `team:${session.teamId}`;
    const previous = this.installs.get(key);
    const bot = previous ?? { botUserId: this.id('U0BOT'), botId: this.id('B0BOT') };
    // A re-install keeps its bot; its token too, unless tokens rotate (then a new pair, as Slack does).
    const keep = previous !== undefined && this.app?.tokenLifetimeSeconds === undefined && this.issued.get(previous.botToken)?.revoked === false;
    const install: Install = {
      key,
      teamId: orgWide ? enterpriseId! : session.teamId,
      enterpriseId,
      orgWide,
      botUserId: bot.botUserId,
      botId: bot.botId,
      botToken: keep ? previous.botToken : '',
      refreshToken: keep ? previous.refreshToken : undefined,
      installerId: session.userId,
      scopes,
    };
    if (!keep) this.issueTokens(install);
    this.installs.set(key, install);
    return install;
  }

  private refresh(refreshToken: string): Json {
    const token = this.issued.get(refreshToken);
    if (token === undefined || token.kind !== 'refresh' || token.revoked) return { ok: false, error: 'invalid_refresh_token' };
    const install = this.installs.get(token.install);
    if (install === undefined || install.refreshToken !== refreshToken) return { ok: false, error: 'invalid_refresh_token' };
    // Single use: the refresh token given up now, a new pair issued.
    token.revoked = true;
    this.issueTokens(install);
    return this.answer(install, {});
  }

  /** A new bot token (and, with rotation on, a refresh token) for the install. */
  private issueTokens(install: Install): void {
    const lifetime = this.app?.tokenLifetimeSeconds;
    const base = { install: install.key, teamId: install.teamId, enterpriseId: install.enterpriseId, orgWide: install.orgWide, botUserId: install.botUserId, botId: install.botId, revoked: false };
    install.botToken = `${lifetime === undefined ? 'xoxb' : 'xoxe.xoxb'}-${install.teamId}-${randomBytes(12).toString('hex')}`;
    this.issued.set(install.botToken, { ...base, kind: 'bot', expiresAt: lifetime === undefined ? undefined : Date.now() + lifetime * 1000 });
    install.refreshToken = lifetime === undefined ? undefined : `xoxe-1-${randomBytes(16).toString('hex')}`;
    if (install.refreshToken !== undefined) this.issued.set(install.refreshToken, { ...base, kind: 'refresh', expiresAt: undefined });
  }

  private answer(install: Install, extra: Json): Json {
    const lifetime = this.app?.tokenLifetimeSeconds;
    return {
      ok: true,
      app_id: this.appId,
      scope: install.scopes.join(','),
      token_type: 'bot',
      access_token: install.botToken,
      bot_user_id: install.botUserId,
      team: install.orgWide ? null : { id: install.teamId, name: this.teamName(install.teamId) },
      enterprise: install.enterpriseId === undefined ? null : { id: install.enterpriseId, name: `Enterprise ${install.enterpriseId}` },
      is_enterprise_install: install.orgWide,
      ...(lifetime === undefined ? {} : { refresh_token: install.refreshToken, expires_in: lifetime }),
      ...extra,
    };
  }

  private id(prefix: string): string {
    this.seq += 1;
    return `${prefix}${String(this.seq).padStart(5, '0')}`;
  }
}

/** The authorize page a person sees: the scopes asked for, Allow and Cancel (each the same link with the decision). */
function consentPage(query: URLSearchParams, scopes: string[]): string {
  const choice = (decision: string) => {
    const link = new URLSearchParams(query);
    link.set('decision', decision);
    return `?${link.toString().replace(/&/g, '&amp;')}`;
  };
  return `<!doctype html><html><head><meta charset="utf-8"><title>Allow the app</title></head><body><h1>The app asks for ${scopes.length} permissions</h1><p><a id="allow" href="${choice('allow')}">Allow</a> <a id="cancel" href="${choice('cancel')}">Cancel</a></p></body></html>`;
}

function readSession(cookieHeader: string | undefined): SlackSession | undefined {
  const raw = (cookieHeader ?? '')
    .split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(decodeURIComponent(raw.slice(SESSION_COOKIE.length + 1))) as SlackSession;
  } catch {
    return undefined;
  }
}
