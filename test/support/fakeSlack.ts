// A local Slack Web API (plus the response_url endpoint and the OAuth authorize page) over real HTTP:
// records every call, answers each by the method table (slackMethods.ts) checked by Slack's Block Kit
// rules (blockKitRules.ts), installs apps in its workspaces (slackOAuth.ts), and lets a test queue
// faults or replace a method.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { startLocalServer, Waits } from './localServer.js';
import {
  SLACK_METHODS,
  SlackState,
  type FakeSlackOptions,
  type FunctionExecution,
  type SlackChannel,
  type SlackFile,
  type SlackUser,
  type TokenIdentity,
  type Usergroup,
} from './slackMethods.js';
import { SlackOAuth, type Install, type SlackSession } from './slackOAuth.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- Slack arguments and answers are free-form JSON. */
type Json = any;

/** One request the fake received. */
export interface SlackCall {
  /** Web API method (`chat.postMessage`), `response_url` for POST /response/<id>, or `(no route) GET /x` for anything else (answered 404). */
  method: string;
  /** Bearer token from the Authorization header (or the `token` form field); undefined when none. */
  token: string | undefined;
  /** Arguments, credentials (`token`, `client_secret`, `refresh_token`) removed; `view`, `blocks`, `attachments`, `metadata` JSON-parsed. Form values stay strings. */
  args: Json;
  /** The credentials taken out of `args` (`client_secret`, `refresh_token`), when the call carried any. */
  credentials?: Record<string, string>;
  /** Date.now() on arrival. */
  at: number;
  /** Content-Type the client used. */
  contentType: string;
  /** For method `response_url`: the id in /response/<id>. */
  responseUrlId?: string;
  /** HTTP status answered (set once answered). */
  status?: number;
  /** JSON answered (set once answered; undefined for non-JSON fault bodies). */
  response?: Json;
  /** The call was carried out, but its answer never left: the connection was cut (fault `answerLost`). */
  lost?: boolean;
}

/** A one-shot fault for the next call of a method. */
export type SlackFault =
  /** `{ ok: false, error }` with HTTP 200 (plus any extra fields, e.g. response_metadata). */
  | { error: string; extra?: Json; delayMs?: number }
  /** HTTP 429 with `Retry-After: <seconds>`. */
  | { status: 429; retryAfterSeconds: number; delayMs?: number }
  /** Another HTTP status (500, 503…) with an optional raw body. */
  | { status: number; body?: string; contentType?: string; delayMs?: number }
  /** Answer normally, but only after this delay. */
  | { delayMs: number }
  /** Do what the call asks at once, but hold the answer this long (Slack acted; its answer is late). */
  | { answerAfterMs: number }
  /** Carry the call out (a message is posted), then cut the connection instead of answering: the caller cannot know. */
  | { answerLost: true };

/** Slack limiting one method for one workspace for a while (see FakeSlack.rateLimit). */
export interface SlackRateLimit {
  teamId: string;
  retryAfterSeconds: number;
  /** How long from now every call of the method with the workspace's tokens is refused. */
  forMs: number;
}

/** Full override of a method: return the JSON to answer (`ok: true` is added when absent), or undefined for the default behaviour. */
export type SlackHandler = (args: Json, call: SlackCall, fake: FakeSlack) => unknown;

interface WaitOptions {
  timeoutMs?: number;
}

export interface FakeSlack {
  /** Base URL, e.g. http://127.0.0.1:12345 */
  readonly url: string;
  /** What to give WebClient / Bolt as `slackApiUrl`: `<url>/api/`. */
  readonly apiUrl: string;
  readonly calls: SlackCall[];
  /**
   * Everything the bot sent (method and arguments, the auth token aside), kept across reset() and
   * clearCalls(): what the secrets audit reads.
   */
  readonly transcript: string[];
  callsTo(method: string): SlackCall[];
  /** Resolves once `count` (default 1) answered calls to `method` match; rejects after timeoutMs (default 2000) listing every call. */
  waitFor(method: string, predicate?: (call: SlackCall) => boolean, options?: WaitOptions): Promise<SlackCall>;
  waitFor(method: string, predicate: ((call: SlackCall) => boolean) | undefined, options: WaitOptions & { count: number }): Promise<SlackCall[]>;
  /** Forget calls, faults, handlers, views, messages, triggers; users/groups/channels/tokens back to the start options. */
  reset(): void;
  /** Forget recorded calls only. */
  clearCalls(): void;
  setUser(id: string, props?: Partial<SlackUser>): SlackUser;
  removeUser(id: string): void;
  setGroupMembers(groupId: string, userIds: string[], props?: Partial<Omit<Usergroup, 'id' | 'users'>>): void;
  setChannel(id: string, props?: Partial<SlackChannel>): void;
  /** chat.postMessage / chat.postEphemeral to this channel fail with `error` (conversations.info reflects it). */
  closeChannel(channelId: string, error?: string): void;
  reopenChannel(channelId: string): void;
  addToken(token: string, identity?: TokenIdentity): void;
  /** The app installed in a workspace (`team:T…`) or org (`enterprise:E…`), by its key or its team id. */
  install(keyOrTeamId: string): Install | undefined;
  /** Every token the installs were issued (bot and refresh tokens), for the secrets audit. */
  issuedTokens(): string[];
  /** An issued token as if time had passed or Slack had spent it: expired now, or revoked (a spent refresh token). */
  ageToken(token: string, how: 'expired' | 'revoked'): void;
  /** Removes the app from a workspace or an org: its tokens are revoked (the test then sends app_uninstalled). */
  uninstall(scope: { teamId: string } | { enterpriseId: string }): Install | undefined;
  /** The cookie of a browser signed in to this Slack as `session` (what the authorize page reads). */
  sessionCookie(session: SlackSession): string;
  /** The app's redirect URL, as its settings would hold it (known once the bot listens). */
  setRedirectUri(url: string): void;
  /** Queue a one-shot fault for the next call of `method` (faults apply in order). */
  failNext(method: string, fault: SlackFault): void;
  /**
   * Slack limiting `method` in workspace `teamId` for `forMs` from now: every call of it with a token
   * that speaks for that workspace answers HTTP 429 with `Retry-After: retryAfterSeconds`, and is not
   * carried out; other workspaces' calls are answered as usual. Forgotten by reset().
   */
  rateLimit(method: string, limit: SlackRateLimit): void;
  /** Replace the behaviour of a method until reset (or `offCall`). */
  onCall(method: string, handler: SlackHandler): void;
  offCall(method: string): void;
  /** A file uploaded in a workspace (default: the default team), served by files.info and its private URL; returns its id. */
  addFile(file: Partial<SlackFile> & { name: string; content: string | Buffer }): string;
  /** Register a trigger_id valid for `validForMs` (default 3000) and single use; enables strict trigger checking. Optionally tie it to a view (for views.push). */
  registerTrigger(triggerId: string, options?: { validForMs?: number; viewId?: string; teamId?: string }): void;
  /** A fresh registered trigger_id. */
  issueTrigger(options?: { validForMs?: number; viewId?: string; teamId?: string }): string;
  /** Current state of a view by id or external_id (as views.* return it). */
  view(idOrExternalId: string): Json;
  /** The most recently opened/pushed/updated view. */
  lastView(): Json;
  /** Ids of the views on a root view's stack, bottom first. */
  viewStack(rootViewId: string): string[];
  /** A message the bot posted/updated (channel as answered, e.g. D… for DMs). */
  message(channel: string, ts: string): Json;
  /** All messages currently known, in posting order. */
  messages(): Json[];
  /** A response_url served by this fake: POST <url>/response/<id>. */
  responseUrl(id?: string): string;
  /** A Workflow Builder step of the app starts running (deliver its event with slackRequests' functionExecuted). */
  startExecution(callbackId: string, teamId: string, inputs: Json): FunctionExecution;
  /** A step execution as it now stands (running, completed with outputs, failed with an error). */
  execution(id: string): FunctionExecution;
  /** Every execution token this Slack issued, for the secrets audit (kept across reset()). */
  executionTokens(): string[];
  close(): Promise<void>;
}

const JSON_ARGS = ['view', 'blocks', 'attachments', 'metadata', 'unfurls', 'user_auth_blocks', 'outputs'];
/** Secrets a call may carry besides its token: kept out of the recorded arguments, as the token is. */
const CREDENTIAL_ARGS = ['client_secret', 'refresh_token'];
/** Methods called without a token (the app's credentials are in the arguments). */
const NO_TOKEN_METHODS = new Set(['oauth.v2.access']);
export const AUTHORIZE_PATH = '/oauth/v2/authorize';
const RESPONSE_URL_MAX_USES = 5;

function parseArgs(contentType: string, raw: string, query: URLSearchParams): Json {
  let args: Json = {};
  for (const [k, v] of query) args[k] = v;
  if (contentType.includes('application/json')) {
    if (raw.trim() !== '') {
      const parsed: unknown = JSON.parse(raw);
      if (parsed && typeof parsed === 'object') args = { ...args, ...(parsed as Json) };
    }
    return args;
  }
  if (contentType.includes('application/x-www-form-urlencoded') || raw === '') {
    for (const [k, v] of new URLSearchParams(raw)) args[k] = v;
    for (const key of JSON_ARGS) {
      if (typeof args[key] === 'string') {
        try {
          args[key] = JSON.parse(args[key]);
        } catch {
          // leave as sent: Slack would answer invalid_arguments / invalid_blocks
        }
      }
    }
  }
  return args;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Starts a fake Slack Web API on 127.0.0.1 (free port). */
export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const slack = new SlackState(options);
  const everyExecutionToken = new Set<string>();
  const calls: SlackCall[] = [];
  const transcript: string[] = [];
  let faults = new Map<string, SlackFault[]>();
  let limits: Array<{ method: string; teamId: string; retryAfterSeconds: number; until: number }> = [];
  /** Answers never sent: the call is carried out and its connection cut (fault `answerLost`). */
  const losing = new WeakSet<ServerResponse>();
  let handlers = new Map<string, SlackHandler>();
  let responseUrlUses = new Map<string, number>();
  const waits = new Waits();

  /** Calls whose answer is held (an `answerAfterMs` fault), and for how long. */
  const held = new WeakMap<SlackCall, number>();
  const send = (res: ServerResponse, call: SlackCall, status: number, body: string, headers: Record<string, string>) => {
    if (losing.has(res)) {
      call.lost = true;
      res.destroy();
      waits.changed();
      return;
    }
    call.status = status;
    try {
      call.response = JSON.parse(body);
    } catch {
      call.response = undefined;
    }
    const answer = () => {
      res.writeHead(status, { 'content-length': Buffer.byteLength(body).toString(), ...headers });
      res.end(body);
      waits.changed();
    };
    const holdMs = held.get(call);
    if (holdMs === undefined) answer();
    else setTimeout(answer, holdMs);
  };
  const sendJson = (res: ServerResponse, call: SlackCall, status: number, body: Json, headers: Record<string, string> = {}) =>
    send(res, call, status, JSON.stringify(body), { 'content-type': 'application/json; charset=utf-8', ...headers });

  /** Answers a fault queued for this call's method; false when none is. */
  const sendFault = async (res: ServerResponse, call: SlackCall): Promise<boolean> => {
    const fault = faults.get(call.method)?.shift();
    if (fault === undefined) return false;
    if ('answerAfterMs' in fault) {
      held.set(call, fault.answerAfterMs);
      return false;
    }
    if ('answerLost' in fault) {
      losing.add(res);
      return false; // carried out as usual; `send` cuts the connection instead of answering
    }
    if (fault.delayMs) await delay(fault.delayMs);
    if ('status' in fault) {
      if (fault.status === 429) {
        const retry = 'retryAfterSeconds' in fault ? fault.retryAfterSeconds : 1;
        sendJson(res, call, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(retry) });
      } else {
        const body = 'body' in fault && fault.body !== undefined ? fault.body : `<html><body><h1>${fault.status}</h1></body></html>`;
        const type = 'contentType' in fault && fault.contentType ? fault.contentType : 'text/html';
        send(res, call, fault.status, body, { 'content-type': type });
      }
      return true;
    }
    if ('error' in fault) {
      sendJson(res, call, call.method === 'response_url' ? 404 : 200, { ok: false, error: fault.error, ...(fault.extra ?? {}) });
      return true;
    }
    return false; // a delay alone: answered normally
  };

  /** Answers 429 when Slack limits this call's method in its token's workspace now; false otherwise. */
  const sendRateLimited = (res: ServerResponse, call: SlackCall): boolean => {
    const now = Date.now();
    limits = limits.filter((l) => l.until > now);
    const caller = limits.some((l) => l.method === call.method) ? slack.authenticate(call.token) : undefined;
    if (caller === undefined || 'error' in caller) return false;
    const limit = limits.find((l) => l.method === call.method && caller.teamId === l.teamId);
    if (limit === undefined) return false;
    sendJson(res, call, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(limit.retryAfterSeconds) });
    return true;
  };

  /** POST /response/<id>: accepted up to RESPONSE_URL_MAX_USES times, as Slack does. */
  const answerResponseUrl = (res: ServerResponse, call: SlackCall, parseError: boolean) => {
    if (parseError) {
      send(res, call, 400, 'invalid_payload', { 'content-type': 'text/plain' });
      return;
    }
    const uses = (responseUrlUses.get(call.responseUrlId!) ?? 0) + 1;
    responseUrlUses.set(call.responseUrlId!, uses);
    if (uses > RESPONSE_URL_MAX_USES) sendJson(res, call, 404, { ok: false, error: 'used_url' });
    else sendJson(res, call, 200, { ok: true });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const contentType = String(req.headers['content-type'] ?? '');
    const apiMatch = /^\/api\/([A-Za-z0-9_.]+)$/.exec(url.pathname);
    const responseMatch = /^\/response\/([^/]+)$/.exec(url.pathname);
    if (url.pathname === AUTHORIZE_PATH && req.method === 'GET') {
      // A browser, not the bot: recorded as a call, never in the bot's transcript.
      const call: SlackCall = { method: 'oauth/v2/authorize', token: undefined, args: Object.fromEntries(url.searchParams), at: Date.now(), contentType };
      calls.push(call);
      const answer = slack.oauth.authorize(url.searchParams, req.headers.cookie);
      send(res, call, answer.status, answer.text, { 'content-type': answer.html === true ? 'text/html; charset=utf-8' : 'text/plain', ...(answer.location === undefined ? {} : { location: answer.location }) });
      return;
    }
    if (url.pathname.startsWith('/files-pri/') && req.method === 'GET') {
      // A file's private URL: the bot's download, authorized by its Bearer token (never in the transcript).
      const bearer = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
      const call: SlackCall = { method: 'files-pri', token: bearer, args: { path: url.pathname }, at: Date.now(), contentType };
      calls.push(call);
      const answer = slack.download(url.pathname, bearer);
      if (answer.delayMs !== undefined) await delay(answer.delayMs);
      call.status = answer.status;
      const headers: Record<string, string> = { 'content-type': answer.status === 200 ? 'application/octet-stream' : 'text/plain' };
      if (!answer.chunked) headers['content-length'] = String(Buffer.byteLength(answer.body));
      res.writeHead(answer.status, headers);
      if (answer.chunked && answer.status === 200) {
        // In pieces, without a length: only the reader's count can stop it.
        const body = Buffer.from(answer.body);
        for (let at = 0; at < body.length && !res.destroyed; at += 64 * 1024) {
          if (!res.write(body.subarray(at, at + 64 * 1024))) await new Promise((resolve) => res.once('drain', resolve).once('close', resolve));
        }
        res.end();
      } else {
        res.end(answer.body);
      }
      waits.changed();
      return;
    }
    if (!apiMatch && !(responseMatch && req.method === 'POST')) {
      const stray: SlackCall = { method: `(no route) ${String(req.method)} ${url.pathname}`, token: undefined, args: { raw }, at: Date.now(), contentType };
      calls.push(stray);
      transcript.push(`${stray.method} ${raw}`);
      send(res, stray, 404, 'not_found', { 'content-type': 'text/plain' });
      return;
    }

    let args: Json;
    let parseError = false;
    try {
      args = responseMatch ? (raw.trim() === '' ? {} : JSON.parse(raw)) : parseArgs(contentType, raw, url.searchParams);
    } catch {
      parseError = true;
      args = { raw };
    }
    const bearer = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
    const token: string | undefined = bearer ?? (typeof args?.token === 'string' ? args.token : undefined);
    const credentials: Record<string, string> = {};
    if (!responseMatch && args && typeof args === 'object') {
      delete args.token;
      for (const key of CREDENTIAL_ARGS) {
        if (typeof args[key] === 'string') credentials[key] = args[key];
        delete args[key];
      }
    }
    const call: SlackCall = {
      method: responseMatch ? 'response_url' : apiMatch![1]!,
      token,
      args,
      at: Date.now(),
      contentType,
      ...(Object.keys(credentials).length > 0 ? { credentials } : {}),
      ...(responseMatch ? { responseUrlId: decodeURIComponent(responseMatch[1]!) } : {}),
    };
    calls.push(call);
    transcript.push(`${call.method} ${parseError ? raw : JSON.stringify(args)}`);

    if (sendRateLimited(res, call)) return;
    if (await sendFault(res, call)) return;
    const handler = handlers.get(call.method);
    if (handler) {
      const answer: Json = await handler(args, call, fake);
      if (answer !== undefined) {
        sendJson(res, call, 200, answer && typeof answer === 'object' && !('ok' in answer) ? { ok: true, ...answer } : answer);
        return;
      }
    }
    if (call.method === 'response_url') {
      answerResponseUrl(res, call, parseError);
      return;
    }
    if (parseError) {
      sendJson(res, call, 200, { ok: false, error: 'invalid_json' });
      return;
    }
    const method = SLACK_METHODS[call.method];
    if (method !== undefined && NO_TOKEN_METHODS.has(call.method)) {
      sendJson(res, call, 200, method(slack, { ...args, ...credentials }, undefined as never));
      return;
    }
    const caller = slack.authenticate(token);
    if ('error' in caller) {
      sendJson(res, call, 200, { ok: false, error: caller.error });
      return;
    }
    sendJson(res, call, 200, method ? method(slack, args, caller) : { ok: false, error: 'unknown_method' });
  };

  const server = await startLocalServer('fake slack', handle);
  slack.fileBaseUrl = server.url;

  const describeCalls = (): string =>
    calls.length === 0
      ? '(no calls)'
      : calls
          .map((c) => {
            const outcome = c.lost === true ? 'answer lost' : c.status === undefined ? 'pending' : c.status !== 200 ? `HTTP ${c.status}` : c.response?.ok ? 'ok' : `error: ${String(c.response?.error)}`;
            return `  ${c.method} → ${outcome}`;
          })
          .join('\n');

  function waitFor(method: string, predicate?: (call: SlackCall) => boolean, opts?: WaitOptions): Promise<SlackCall>;
  function waitFor(
    method: string,
    predicate: ((call: SlackCall) => boolean) | undefined,
    opts: WaitOptions & { count: number },
  ): Promise<SlackCall[]>;
  function waitFor(
    method: string,
    predicate?: (call: SlackCall) => boolean,
    opts: WaitOptions & { count?: number } = {},
  ): Promise<SlackCall | SlackCall[]> {
    const count = opts.count ?? 1;
    const timeoutMs = opts.timeoutMs ?? 2000;
    const matching = () => calls.filter((c) => c.method === method && c.status !== undefined && (!predicate || predicate(c)));
    const found = waits.until(matching, count, timeoutMs, () =>
      `fakeSlack.waitFor("${method}"${predicate ? ', <predicate>' : ''}) timed out after ${timeoutMs} ms: ` +
      `${matching().length} of ${count} matching call(s). Calls so far:\n${describeCalls()}`,
    );
    return opts.count === undefined ? found.then((list) => list[0]!) : found;
  }

  const fake: FakeSlack = {
    url: server.url,
    apiUrl: `${server.url}/api/`,
    calls,
    transcript,
    callsTo: (method) => calls.filter((c) => c.method === method),
    waitFor,
    reset() {
      calls.length = 0;
      slack.reset();
      faults = new Map();
      limits = [];
      handlers = new Map();
      responseUrlUses = new Map();
    },
    clearCalls() {
      calls.length = 0;
    },
    setUser: (id, props) => slack.setUser(id, props),
    removeUser(id) {
      slack.users.delete(id);
    },
    setGroupMembers: (groupId, userIds, props) => slack.setGroupMembers(groupId, userIds, props),
    setChannel(id, props = {}) {
      slack.channels.set(id, { ...(slack.channels.get(id) ?? {}), ...props });
    },
    closeChannel(channelId, error = 'not_in_channel') {
      slack.closedChannels.set(slack.resolveChannel(channelId), error);
    },
    reopenChannel(channelId) {
      slack.closedChannels.delete(slack.resolveChannel(channelId));
    },
    addToken(token, tokenIdentity = {}) {
      slack.tokens.set(token, tokenIdentity);
    },
    install(keyOrTeamId) {
      return slack.oauth.installs.get(keyOrTeamId) ?? slack.oauth.installs.get(`team:${keyOrTeamId}`);
    },
    issuedTokens() {
      return [...slack.oauth.issued.keys()];
    },
    startExecution(callbackId, teamId, inputs) {
      const execution = slack.startExecution(callbackId, teamId, inputs);
      everyExecutionToken.add(execution.token);
      return execution;
    },
    execution(id) {
      const execution = slack.executions.get(id);
      if (execution === undefined) throw new Error(`no execution ${id}`);
      return execution;
    },
    executionTokens() {
      return [...everyExecutionToken];
    },
    ageToken(token, how) {
      const issued = slack.oauth.issued.get(token);
      if (issued === undefined) throw new Error('this local Slack never issued that token');
      if (how === 'expired') issued.expiresAt = Date.now() - 1000;
      else issued.revoked = true;
    },
    uninstall(scope) {
      return slack.oauth.uninstall(scope);
    },
    sessionCookie(session) {
      return SlackOAuth.cookie(session);
    },
    setRedirectUri(url) {
      if (slack.oauth.app === undefined) throw new Error('this local Slack has no OAuth app (start it with `oauth`)');
      slack.oauth.app.redirectUri = url;
    },
    failNext(method, fault) {
      faults.set(method, [...(faults.get(method) ?? []), fault]);
    },
    rateLimit(method, { teamId, retryAfterSeconds, forMs }) {
      limits.push({ method, teamId, retryAfterSeconds, until: Date.now() + forMs });
    },
    onCall(method, handler) {
      handlers.set(method, handler);
    },
    offCall(method) {
      handlers.delete(method);
    },
    addFile(file) {
      const id = file.id ?? `F${randomBytes(5).toString('hex').toUpperCase()}`;
      const extension = /\.([a-z0-9]+)$/i.exec(file.name)?.[1]?.toLowerCase() ?? 'text';
      slack.files.set(id, { teamId: slack.teamId, sharedWith: [], filetype: extension === 'txt' ? 'text' : extension, ...file, id });
      return id;
    },
    registerTrigger: (triggerId, opts) => slack.registerTrigger(triggerId, opts),
    issueTrigger: (opts) => slack.issueTrigger(opts),
    view(idOrExternalId) {
      const v = slack.findView(idOrExternalId);
      return v ? structuredClone(v) : undefined;
    },
    lastView() {
      return slack.lastViewId ? structuredClone(slack.views.get(slack.lastViewId)) : undefined;
    },
    viewStack(rootViewId) {
      return [...(slack.stacks.get(rootViewId) ?? [])];
    },
    message(channel, ts) {
      const m = slack.messages.get(`${slack.resolveChannel(channel)}:${ts}`);
      return m ? structuredClone(m) : undefined;
    },
    messages() {
      return [...slack.messages.values()].map((m) => structuredClone(m));
    },
    responseUrl(id = randomBytes(6).toString('hex')) {
      return `${server.url}/response/${encodeURIComponent(id)}`;
    },
    close() {
      waits.closing('fakeSlack closed while a waitFor was pending');
      return server.close();
    },
  };
  return fake;
}
