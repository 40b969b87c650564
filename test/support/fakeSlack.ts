// A local Slack Web API (plus response_url endpoint) over real HTTP, recording every call, with programmable answers and faults.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { normalizeBlocks } from './modalState.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- Slack arguments and answers are free-form JSON. */
type Json = any;

/** One request the fake received. */
export interface SlackCall {
  /** Web API method (`chat.postMessage`), `response_url` for POST /response/<id>, or `(no route) GET /x` for anything else (answered 404). */
  method: string;
  /** Bearer token from the Authorization header (or the `token` form field); undefined when none. */
  token: string | undefined;
  /** Arguments, `token` removed; `view`, `blocks`, `attachments`, `metadata` JSON-parsed. Form values stay strings. */
  args: Json;
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
}

export interface SlackUser {
  id: string;
  team_id: string;
  name: string;
  real_name: string;
  deleted: boolean;
  is_bot: boolean;
  is_admin: boolean;
  is_owner: boolean;
  is_primary_owner: boolean;
  is_restricted: boolean;
  is_ultra_restricted: boolean;
  tz: string;
  tz_label: string;
  tz_offset: number;
  profile: Json;
  [key: string]: unknown;
}

export interface SlackChannel {
  id: string;
  name: string;
  is_channel: boolean;
  is_group: boolean;
  is_im: boolean;
  is_mpim: boolean;
  is_private: boolean;
  is_archived: boolean;
  is_member: boolean;
  [key: string]: unknown;
}

export interface Usergroup {
  id: string;
  handle: string;
  name: string;
  users: string[];
  date_delete?: number;
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
  | { delayMs: number };

/** Full override of a method: return the JSON to answer (`ok: true` is added when absent), or undefined for the default behaviour. */
export type SlackHandler = (args: Json, call: SlackCall, fake: FakeSlack) => unknown;

export interface TokenIdentity {
  teamId?: string;
  botUserId?: string;
  botId?: string;
}

export interface FakeSlackOptions {
  teamId?: string;
  teamDomain?: string;
  botUserId?: string;
  botId?: string;
  appId?: string;
  /** Accepted tokens and whom they identify. When given, other tokens answer `invalid_auth`. Default: any token, as the default team's bot. */
  tokens?: Record<string, TokenIdentity>;
  users?: Record<string, Partial<SlackUser>>;
  /** Usergroup id → member ids. */
  groups?: Record<string, string[]>;
  channels?: Record<string, Partial<SlackChannel>>;
  /** Require registered trigger_ids for views.open/push from the start (otherwise strict once one is registered). */
  strictTriggers?: boolean;
  /** Check views and message blocks against Slack's limits (default true): documented ones, and msg_blocks_too_long past 13 000 characters of block text. */
  validate?: boolean;
}

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
  /** Queue a one-shot fault for the next call of `method` (faults apply in order). */
  failNext(method: string, fault: SlackFault): void;
  /** Replace the behaviour of a method until reset (or `offCall`). */
  onCall(method: string, handler: SlackHandler): void;
  offCall(method: string): void;
  /** Register a trigger_id valid for `validForMs` (default 3000) and single use; enables strict trigger checking. Optionally tie it to a view (for views.push). */
  registerTrigger(triggerId: string, options?: { validForMs?: number; viewId?: string }): void;
  /** A fresh registered trigger_id. */
  issueTrigger(options?: { validForMs?: number; viewId?: string }): string;
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
  close(): Promise<void>;
}

const DEFAULT_TZ = 'America/Los_Angeles';
const TS_BASE_SECONDS = 1_700_000_000;
const JSON_ARGS = ['view', 'blocks', 'attachments', 'metadata', 'unfurls', 'user_auth_blocks'];
const RESPONSE_URL_MAX_USES = 5;

function tzInfo(tz: string): { tz_label: string; tz_offset: number } {
  try {
    const now = new Date();
    const offsetName =
      new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' })
        .formatToParts(now)
        .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
    const m = /GMT([+-])(\d{2}):(\d{2})/.exec(offsetName);
    const offset = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60) : 0;
    const label =
      new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'long' }).formatToParts(now).find((p) => p.type === 'timeZoneName')
        ?.value ?? tz;
    return { tz_label: label, tz_offset: offset };
  } catch {
    return { tz_label: tz, tz_offset: 0 };
  }
}

function textLength(text: Json): number {
  return typeof text?.text === 'string' ? text.text.length : 0;
}

/** Slack-style validation messages for a view (subset of Slack's documented limits). */
export function viewProblems(view: Json): string[] {
  const problems: string[] = [];
  const at = (pointer: string, message: string) => problems.push(`[ERROR] ${message} [json-pointer:/view${pointer}]`);
  if (view === null || typeof view !== 'object' || Array.isArray(view)) return ['[ERROR] view must be an object [json-pointer:/view]'];
  if (view.type !== 'modal' && view.type !== 'home') at('/type', 'must be one of modal, home');
  if (view.type === 'modal') {
    if (!view.title) at('/title', 'missing required field: title');
    for (const key of ['title', 'submit', 'close'] as const) {
      const t = view[key];
      if (t === undefined || t === null) continue;
      if (t.type !== 'plain_text') at(`/${key}/type`, 'must be plain_text');
      if (textLength(t) > 24) at(`/${key}/text`, 'must be less than 25 characters');
      if (textLength(t) === 0) at(`/${key}/text`, 'must be more than 0 characters');
    }
  }
  const blocks: Json[] = Array.isArray(view.blocks) ? view.blocks : [];
  if (!Array.isArray(view.blocks)) at('/blocks', 'missing required field: blocks');
  if (blocks.length > 100) at('/blocks', 'must be no more than 100 items');
  if (typeof view.private_metadata === 'string' && view.private_metadata.length > 3000) at('/private_metadata', 'must be less than 3001 characters');
  if (typeof view.callback_id === 'string' && view.callback_id.length > 255) at('/callback_id', 'must be less than 256 characters');
  if (typeof view.external_id === 'string' && view.external_id.length > 255) at('/external_id', 'must be less than 256 characters');
  const hasInput = blocks.some((b) => b?.type === 'input');
  if (view.type === 'modal' && hasInput && !view.submit) at('/submit', 'submit is required when an input block is within blocks');
  problems.push(...blockProblems(blocks, '/blocks').map((p) => p.replace('[json-pointer:', '[json-pointer:/view')));
  return problems;
}

/** Slack-style validation messages for a list of blocks (pointer relative to `base`). */
export function blockProblems(blocks: Json[], base = '/blocks'): string[] {
  const problems: string[] = [];
  const at = (pointer: string, message: string) => problems.push(`[ERROR] ${message} [json-pointer:${base}${pointer}]`);
  const seenBlockIds = new Set<string>();
  blocks.forEach((block, i) => {
    if (block === null || typeof block !== 'object' || typeof block.type !== 'string') {
      at(`/${i}`, 'missing required field: type');
      return;
    }
    if (typeof block.block_id === 'string') {
      if (block.block_id.length > 255) at(`/${i}/block_id`, 'must be less than 256 characters');
      if (seenBlockIds.has(block.block_id)) at(`/${i}/block_id`, `duplicate block_id ${block.block_id}`);
      seenBlockIds.add(block.block_id);
    }
    const elements: Array<[Json, string]> = [];
    switch (block.type) {
      case 'section':
        if (!block.text && !block.fields) at(`/${i}`, 'must provide text or fields');
        if (textLength(block.text) > 3000) at(`/${i}/text`, 'must be less than 3001 characters');
        if (Array.isArray(block.fields)) {
          if (block.fields.length > 10) at(`/${i}/fields`, 'must be no more than 10 items');
          block.fields.forEach((f: Json, j: number) => {
            if (textLength(f) > 2000) at(`/${i}/fields/${j}/text`, 'must be less than 2001 characters');
          });
        }
        if (block.accessory) elements.push([block.accessory, `/${i}/accessory`]);
        break;
      case 'header':
        if (textLength(block.text) > 150) at(`/${i}/text/text`, 'must be less than 151 characters');
        break;
      case 'context':
        if (!Array.isArray(block.elements) || block.elements.length === 0) at(`/${i}/elements`, 'must provide at least 1 item');
        else {
          if (block.elements.length > 10) at(`/${i}/elements`, 'must be no more than 10 items');
          block.elements.forEach((e: Json, j: number) => {
            if (textLength(e) > 3000) at(`/${i}/elements/${j}/text`, 'must be less than 3001 characters');
          });
        }
        break;
      case 'actions':
        if (!Array.isArray(block.elements) || block.elements.length === 0) at(`/${i}/elements`, 'must provide at least 1 item');
        else {
          if (block.elements.length > 25) at(`/${i}/elements`, 'must be no more than 25 items');
          block.elements.forEach((e: Json, j: number) => elements.push([e, `/${i}/elements/${j}`]));
        }
        break;
      case 'input':
        if (!block.label) at(`/${i}/label`, 'missing required field: label');
        else if (textLength(block.label) > 2000) at(`/${i}/label/text`, 'must be less than 2001 characters');
        if (block.hint && textLength(block.hint) > 2000) at(`/${i}/hint/text`, 'must be less than 2001 characters');
        if (!block.element) at(`/${i}/element`, 'missing required field: element');
        else elements.push([block.element, `/${i}/element`]);
        break;
      default:
        break;
    }
    const seenActionIds = new Set<string>();
    for (const [element, pointer] of elements) {
      if (typeof element?.action_id === 'string') {
        if (element.action_id.length > 255) at(`${pointer}/action_id`, 'must be less than 256 characters');
        if (seenActionIds.has(element.action_id)) at(`${pointer}/action_id`, `duplicate action_id ${element.action_id}`);
        seenActionIds.add(element.action_id);
      }
      problems.push(...elementProblems(element, pointer).map((p) => `[ERROR] ${p.message} [json-pointer:${base}${p.pointer}]`));
    }
  });
  return problems;
}

function elementProblems(element: Json, pointer: string): Array<{ pointer: string; message: string }> {
  const out: Array<{ pointer: string; message: string }> = [];
  const add = (p: string, message: string) => out.push({ pointer: `${pointer}${p}`, message });
  if (element?.placeholder && textLength(element.placeholder) > 150) add('/placeholder/text', 'must be less than 151 characters');
  const options: Json[] | undefined = Array.isArray(element?.options)
    ? element.options
    : Array.isArray(element?.option_groups)
      ? element.option_groups.flatMap((g: Json) => g?.options ?? [])
      : undefined;
  if (options) out.push(...optionProblems(options).map((p) => ({ pointer: `${pointer}${p.pointer}`, message: p.message })));
  const sameOption = (a: Json, b: Json) => a?.value === b?.value && a?.text?.text === b?.text?.text;
  switch (element?.type) {
    case 'button':
      if (textLength(element.text) > 75) add('/text/text', 'must be less than 76 characters');
      if (typeof element.value === 'string' && element.value.length > 2000) add('/value', 'must be less than 2001 characters');
      break;
    case 'static_select':
    case 'multi_static_select':
      if (!options || options.length === 0) add('/options', 'must provide at least 1 item');
      else if (options.length > 100) add('/options', 'must be no more than 100 items');
      break;
    case 'checkboxes':
    case 'radio_buttons':
      if (!options || options.length === 0) add('/options', 'must provide at least 1 item');
      else if (options.length > 10) add('/options', 'must be no more than 10 items');
      break;
    case 'plain_text_input':
      if (element.max_length !== undefined && (element.max_length < 1 || element.max_length > 3000)) add('/max_length', 'must be between 1 and 3000');
      if (element.min_length !== undefined && (element.min_length < 0 || element.min_length > 3000)) add('/min_length', 'must be between 0 and 3000');
      if (typeof element.initial_value === 'string' && element.max_length !== undefined && element.initial_value.length > element.max_length) {
        add('/initial_value', 'must be no longer than max_length');
      }
      break;
    case 'number_input':
      if (typeof element.is_decimal_allowed !== 'boolean') add('/is_decimal_allowed', 'missing required field: is_decimal_allowed');
      for (const key of ['initial_value', 'min_value', 'max_value']) {
        if (element[key] !== undefined && typeof element[key] !== 'string') add(`/${key}`, 'must be a string');
      }
      break;
    default:
      break;
  }
  if (options && element.initial_option && !options.some((o) => sameOption(o, element.initial_option))) {
    add('/initial_option', 'must match one of the options');
  }
  if (options && Array.isArray(element.initial_options)) {
    element.initial_options.forEach((io: Json, k: number) => {
      if (!options.some((o) => sameOption(o, io))) add(`/initial_options/${k}`, 'must match one of the options');
    });
  }
  return out;
}

/** Option objects: text up to 75 characters, value up to 150, and each value unique in its menu. */
function optionProblems(options: Json[], base = ''): Array<{ pointer: string; message: string }> {
  const out: Array<{ pointer: string; message: string }> = [];
  const seen = new Set<string>();
  options.forEach((o, j) => {
    if (textLength(o?.text) > 75) out.push({ pointer: `${base}/options/${j}/text/text`, message: 'must be less than 76 characters' });
    if (typeof o?.value === 'string') {
      if (o.value.length > 150) out.push({ pointer: `${base}/options/${j}/value`, message: 'must be less than 151 characters' });
      if (seen.has(o.value)) out.push({ pointer: `${base}/options/${j}/value`, message: `duplicate option value ${o.value}` });
      seen.add(o.value);
    }
  });
  return out;
}

/** Slack-style problems with the answer to a `block_suggestion`: at most 100 options, each by the rules above. */
export function suggestionProblems(answer: Json): string[] {
  const options: Json[] | undefined = Array.isArray(answer?.options)
    ? answer.options
    : Array.isArray(answer?.option_groups)
      ? answer.option_groups.flatMap((g: Json) => g?.options ?? [])
      : undefined;
  if (options === undefined) return ['[ERROR] missing required field: options [json-pointer:/options]'];
  const problems = optionProblems(options).map((p) => `[ERROR] ${p.message} [json-pointer:${p.pointer}]`);
  if (options.length > 100) problems.push('[ERROR] must be no more than 100 items [json-pointer:/options]');
  return problems;
}

/**
 * Slack refuses a message whose blocks hold more than about 13 000 characters of text as a whole
 * (`msg_blocks_too_long`; undocumented, measured at ~13 200 in slackapi/bolt-js#2509).
 */
export const MESSAGE_BLOCK_TEXT_LIMIT = 13_000;

/** Characters of text in blocks, as counted here for msg_blocks_too_long: every text object's text. */
export function blockTextLength(blocks: Json): number {
  if (Array.isArray(blocks)) return blocks.reduce((n: number, b: Json) => n + blockTextLength(b), 0);
  if (blocks === null || typeof blocks !== 'object') return 0;
  const own = (blocks.type === 'mrkdwn' || blocks.type === 'plain_text') && typeof blocks.text === 'string' ? blocks.text.length : 0;
  return Object.values(blocks).reduce((n: number, child: Json) => n + blockTextLength(child), own);
}

/** What Slack answers for a message's blocks that break its rules (`{ ok: false, … }`), or undefined. */
export function messageBlocksError(blocks: Json[]): Json {
  if (blocks.length > 50) {
    return { ok: false, error: 'invalid_blocks', response_metadata: { messages: ['[ERROR] must be no more than 50 items [json-pointer:/blocks]'] } };
  }
  const problems = blockProblems(blocks);
  if (problems.length > 0) return { ok: false, error: 'invalid_blocks', response_metadata: { messages: problems } };
  if (blockTextLength(blocks) > MESSAGE_BLOCK_TEXT_LIMIT) return { ok: false, error: 'msg_blocks_too_long' };
  return undefined;
}

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
  const teamId = options.teamId ?? 'T0FAKETEAM1';
  const teamDomain = options.teamDomain ?? 'fake-team';
  const botUserId = options.botUserId ?? 'U0FAKEBOT01';
  const botId = options.botId ?? 'B0FAKEBOT01';
  const appId = options.appId ?? 'A0FAKEAPP01';
  const validate = options.validate ?? true;

  const calls: SlackCall[] = [];
  const transcript: string[] = [];
  let users = new Map<string, SlackUser>();
  let groups = new Map<string, Usergroup>();
  let channels = new Map<string, Partial<SlackChannel>>();
  let tokens = new Map<string, TokenIdentity>();
  let closedChannels = new Map<string, string>();
  let faults = new Map<string, SlackFault[]>();
  let handlers = new Map<string, SlackHandler>();
  let views = new Map<string, Json>();
  let stacks = new Map<string, string[]>();
  let lastViewId: string | undefined;
  let messages = new Map<string, Json>();
  let triggers = new Map<string, { expiresAt: number; used: boolean; viewId?: string }>();
  let strictTriggers = options.strictTriggers ?? false;
  let responseUrlUses = new Map<string, number>();
  let tsCounter = 0;
  let viewCounter = 0;
  const waiters = new Map<() => void, (error: Error) => void>();
  const sockets = new Set<Socket>();

  const makeUser = (id: string, props: Partial<SlackUser> = {}): SlackUser => {
    const tz = props.tz ?? DEFAULT_TZ;
    const name = props.name ?? `user-${id.toLowerCase()}`;
    const realName = props.real_name ?? `User ${id}`;
    return {
      id,
      team_id: teamId,
      name,
      real_name: realName,
      deleted: false,
      is_bot: false,
      is_app_user: false,
      is_admin: false,
      is_owner: false,
      is_primary_owner: false,
      is_restricted: false,
      is_ultra_restricted: false,
      ...tzInfo(tz),
      ...props,
      tz,
      profile: { real_name: realName, display_name: name, email: `${name}@example.com`, ...(props.profile ?? {}) },
    };
  };

  const applyStartOptions = () => {
    users = new Map(Object.entries(options.users ?? {}).map(([id, props]) => [id, makeUser(id, props)]));
    groups = new Map(
      Object.entries(options.groups ?? {}).map(([id, members]) => [id, { id, handle: id.toLowerCase(), name: `Group ${id}`, users: [...members] }]),
    );
    channels = new Map(Object.entries(options.channels ?? {}).map(([id, props]) => [id, { ...props }]));
    tokens = new Map(Object.entries(options.tokens ?? {}));
    closedChannels = new Map();
    faults = new Map();
    handlers = new Map();
    views = new Map();
    stacks = new Map();
    lastViewId = undefined;
    messages = new Map();
    triggers = new Map();
    strictTriggers = options.strictTriggers ?? false;
    responseUrlUses = new Map();
  };
  applyStartOptions();

  const nextTs = (): string => {
    tsCounter += 1;
    const micros = tsCounter * 100;
    return `${TS_BASE_SECONDS + Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
  };
  const newHash = (): string => `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`;
  const newViewId = (): string => {
    viewCounter += 1;
    return `V0FAKE${String(viewCounter).padStart(5, '0')}`;
  };
  const dmChannelFor = (userId: string): string => `D${userId.slice(1)}`;
  const resolveChannel = (channel: string): string => (/^[UW]/.test(channel) ? dmChannelFor(channel) : channel);

  const identity = (token: string | undefined) => {
    const known = token ? tokens.get(token) : undefined;
    return { teamId: known?.teamId ?? teamId, botUserId: known?.botUserId ?? botUserId, botId: known?.botId ?? botId };
  };

  const channelInfo = (id: string): SlackChannel => {
    const props = channels.get(id) ?? {};
    const isIm = id.startsWith('D');
    const isPrivate = props.is_private ?? id.startsWith('G');
    const closed = closedChannels.get(id);
    return {
      id,
      name: isIm ? id : `channel-${id.toLowerCase()}`,
      name_normalized: isIm ? id : `channel-${id.toLowerCase()}`,
      is_channel: !isIm && !isPrivate,
      is_group: id.startsWith('G'),
      is_im: isIm,
      is_mpim: false,
      is_private: isIm || isPrivate,
      is_archived: closed === 'is_archived',
      is_general: false,
      is_member: closed === undefined,
      created: TS_BASE_SECONDS - 86_400,
      context_team_id: teamId,
      ...(isIm ? { user: `U${id.slice(1)}` } : {}),
      ...props,
    };
  };

  const storeView = (id: string, view: Json, extra: Json, token: string | undefined): Json => {
    const who = identity(token);
    const stored = {
      id,
      team_id: who.teamId,
      type: view.type ?? 'modal',
      blocks: normalizeBlocks(view.blocks),
      private_metadata: view.private_metadata ?? '',
      callback_id: view.callback_id ?? '',
      state: { values: {} },
      hash: newHash(),
      title: view.title ?? null,
      clear_on_close: view.clear_on_close ?? false,
      notify_on_close: view.notify_on_close ?? false,
      close: view.close ?? null,
      submit: view.submit ?? null,
      previous_view_id: null,
      root_view_id: id,
      app_id: appId,
      external_id: view.external_id ?? '',
      app_installed_team_id: who.teamId,
      bot_id: who.botId,
      ...extra,
    };
    views.set(id, stored);
    lastViewId = id;
    return structuredClone(stored);
  };

  const findView = (idOrExternal: string): Json =>
    views.get(idOrExternal) ?? [...views.values()].find((v) => v.external_id !== '' && v.external_id === idOrExternal);

  const useTrigger = (triggerId: unknown): { error?: string; viewId?: string } => {
    if (typeof triggerId !== 'string' || triggerId === '') return { error: 'invalid_arguments' };
    if (!strictTriggers) return {};
    const trigger = triggers.get(triggerId);
    if (!trigger) return { error: 'invalid_trigger_id' };
    if (trigger.used) return { error: 'exchanged_trigger_id' };
    if (Date.now() > trigger.expiresAt) return { error: 'expired_trigger_id' };
    trigger.used = true;
    return { viewId: trigger.viewId };
  };

  const checkView = (view: Json): Json => {
    if (view === undefined || view === null || typeof view !== 'object') {
      return { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] missing required field: view'] } };
    }
    if (!validate) return undefined;
    if (Buffer.byteLength(JSON.stringify(view)) > 250 * 1024) return { ok: false, error: 'view_too_large' };
    const problems = viewProblems(view);
    if (problems.length > 0) return { ok: false, error: 'invalid_arguments', response_metadata: { messages: problems } };
    return undefined;
  };

  const checkMessage = (args: Json): Json => {
    if (typeof args.channel !== 'string' || args.channel === '') return { ok: false, error: 'channel_not_found' };
    const hasBlocks = Array.isArray(args.blocks) && args.blocks.length > 0;
    const hasAttachments = Array.isArray(args.attachments) && args.attachments.length > 0;
    if ((typeof args.text !== 'string' || args.text === '') && !hasBlocks && !hasAttachments) return { ok: false, error: 'no_text' };
    if (args.blocks !== undefined && !Array.isArray(args.blocks)) return { ok: false, error: 'invalid_blocks_format' };
    if (validate && hasBlocks) {
      const refused = messageBlocksError(args.blocks);
      if (refused) return refused;
    }
    if (typeof args.text === 'string' && args.text.length > 40_000) return { ok: false, error: 'msg_too_long' };
    return undefined;
  };

  const messageRecord = (args: Json, channel: string, ts: string, token: string | undefined): Json => {
    const who = identity(token);
    const message: Json = {
      type: 'message',
      subtype: 'bot_message',
      text: args.text ?? '',
      user: who.botUserId,
      bot_id: who.botId,
      app_id: appId,
      team: who.teamId,
      ts,
    };
    if (args.blocks !== undefined) message.blocks = normalizeBlocks(args.blocks);
    if (args.attachments !== undefined) message.attachments = args.attachments;
    if (args.thread_ts !== undefined) message.thread_ts = String(args.thread_ts);
    if (args.metadata !== undefined) message.metadata = args.metadata;
    return message;
  };

  const methods: Record<string, (args: Json, call: SlackCall) => Json> = {
    'api.test': (args) => ({ ok: true, args }),
    'auth.test': (_args, call) => {
      const who = identity(call.token);
      return {
        ok: true,
        url: `https://${teamDomain}.slack.com/`,
        team: teamDomain,
        user: 'simplismart',
        team_id: who.teamId,
        user_id: who.botUserId,
        bot_id: who.botId,
        is_enterprise_install: false,
      };
    },
    'views.open': (args, call) => {
      const invalid = checkView(args.view);
      if (invalid) return invalid;
      const trigger = useTrigger(args.trigger_id ?? args.interactivity_pointer);
      if (trigger.error) return { ok: false, error: trigger.error };
      if (args.view.external_id && findView(args.view.external_id)) return { ok: false, error: 'duplicate_external_id' };
      const id = newViewId();
      stacks.set(id, [id]);
      return { ok: true, view: storeView(id, args.view, {}, call.token) };
    },
    'views.push': (args, call) => {
      const invalid = checkView(args.view);
      if (invalid) return invalid;
      const trigger = useTrigger(args.trigger_id ?? args.interactivity_pointer);
      if (trigger.error) return { ok: false, error: trigger.error };
      const underId = trigger.viewId ?? lastViewId;
      const under = underId ? views.get(underId) : undefined;
      if (!under) return { ok: false, error: 'not_found' };
      const rootId: string = under.root_view_id ?? under.id;
      const stack = stacks.get(rootId) ?? [rootId];
      if (stack.length >= 3) return { ok: false, error: 'push_limit_reached' };
      const id = newViewId();
      stack.push(id);
      stacks.set(rootId, stack);
      return { ok: true, view: storeView(id, args.view, { root_view_id: rootId, previous_view_id: stack[stack.length - 2] }, call.token) };
    },
    'views.update': (args, call) => {
      if (!args.view_id && !args.external_id) {
        return { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] view_id or external_id is required'] } };
      }
      const current = findView(String(args.view_id ?? args.external_id));
      if (!current) return { ok: false, error: 'not_found' };
      const invalid = checkView(args.view);
      if (invalid) return invalid;
      if (args.hash !== undefined && args.hash !== '' && args.hash !== current.hash) return { ok: false, error: 'hash_conflict' };
      return {
        ok: true,
        view: storeView(current.id, args.view, { root_view_id: current.root_view_id, previous_view_id: current.previous_view_id }, call.token),
      };
    },
    'views.publish': (args, call) => {
      const invalid = checkView(args.view);
      if (invalid) return invalid;
      if (typeof args.user_id !== 'string') return { ok: false, error: 'invalid_arguments' };
      const existing = [...views.values()].find((v) => v.type === 'home' && v.user_id === args.user_id);
      return { ok: true, view: storeView(existing?.id ?? newViewId(), args.view, { user_id: args.user_id }, call.token) };
    },
    'chat.postMessage': (args, call) => {
      const invalid = checkMessage(args);
      if (invalid) return invalid;
      const channel = resolveChannel(args.channel);
      const closed = closedChannels.get(channel) ?? closedChannels.get(args.channel);
      if (closed) return { ok: false, error: closed };
      const ts = nextTs();
      const message = messageRecord(args, channel, ts, call.token);
      messages.set(`${channel}:${ts}`, { ...message, channel });
      return { ok: true, channel, ts, message };
    },
    'chat.postEphemeral': (args) => {
      const invalid = checkMessage(args);
      if (invalid) return invalid;
      if (typeof args.user !== 'string' || args.user === '') return { ok: false, error: 'user_not_found' };
      const channel = resolveChannel(args.channel);
      const closed = closedChannels.get(channel) ?? closedChannels.get(args.channel);
      if (closed) return { ok: false, error: closed };
      return { ok: true, message_ts: nextTs() };
    },
    'chat.update': (args, call) => {
      if (typeof args.ts !== 'string' || args.ts === '') return { ok: false, error: 'message_not_found' };
      const invalid = checkMessage(args);
      if (invalid) return invalid;
      const channel = resolveChannel(args.channel);
      const key = `${channel}:${args.ts}`;
      const message = { ...(messages.get(key) ?? {}), ...messageRecord(args, channel, args.ts, call.token), edited: { user: identity(call.token).botUserId, ts: nextTs() } };
      messages.set(key, { ...message, channel });
      return { ok: true, channel, ts: args.ts, text: message.text, message };
    },
    'chat.delete': (args) => {
      const channel = resolveChannel(String(args.channel ?? ''));
      const key = `${channel}:${String(args.ts)}`;
      if (!messages.delete(key)) return { ok: false, error: 'message_not_found' };
      return { ok: true, channel, ts: args.ts };
    },
    'chat.getPermalink': (args) => {
      if (typeof args.channel !== 'string' || typeof args.message_ts !== 'string') return { ok: false, error: 'invalid_arguments' };
      const channel = resolveChannel(args.channel);
      return { ok: true, channel, permalink: `https://${teamDomain}.slack.com/archives/${channel}/p${args.message_ts.replace('.', '')}` };
    },
    'conversations.open': (args) => {
      const list = String(args.users ?? '').split(',').filter(Boolean);
      if (list.length === 0 && !args.channel) return { ok: false, error: 'users_list_not_supplied' };
      const id = args.channel ? String(args.channel) : dmChannelFor(list[0]!);
      return { ok: true, channel: { id } };
    },
    'conversations.info': (args) => {
      if (typeof args.channel !== 'string' || args.channel === '') return { ok: false, error: 'channel_not_found' };
      if (closedChannels.get(args.channel) === 'channel_not_found') return { ok: false, error: 'channel_not_found' };
      return { ok: true, channel: channelInfo(args.channel) };
    },
    'users.info': (args) => {
      const user = users.get(String(args.user));
      if (!user) return { ok: false, error: 'user_not_found' };
      return { ok: true, user: structuredClone(user) };
    },
    'usergroups.users.list': (args) => {
      const group = groups.get(String(args.usergroup));
      if (!group) return { ok: false, error: 'no_such_subteam' };
      return { ok: true, users: [...group.users] };
    },
    'usergroups.list': (args, call) => {
      const includeUsers = args.include_users === true || args.include_users === 'true';
      return {
        ok: true,
        usergroups: [...groups.values()].map((g) => ({
          id: g.id,
          team_id: identity(call.token).teamId,
          is_usergroup: true,
          is_subteam: true,
          name: g.name,
          description: '',
          handle: g.handle,
          is_external: false,
          date_create: TS_BASE_SECONDS - 86_400,
          date_update: TS_BASE_SECONDS - 86_400,
          date_delete: g.date_delete ?? 0,
          user_count: g.users.length,
          ...(includeUsers ? { users: [...g.users] } : {}),
        })),
      };
    },
  };

  const notify = () => {
    for (const waiter of [...waiters.keys()]) waiter();
  };

  const send = (res: ServerResponse, call: SlackCall, status: number, body: string, headers: Record<string, string>) => {
    call.status = status;
    try {
      call.response = JSON.parse(body);
    } catch {
      call.response = undefined;
    }
    res.writeHead(status, { 'content-length': Buffer.byteLength(body).toString(), ...headers });
    res.end(body);
    notify();
  };
  const sendJson = (res: ServerResponse, call: SlackCall, status: number, body: Json, headers: Record<string, string> = {}) =>
    send(res, call, status, JSON.stringify(body), { 'content-type': 'application/json; charset=utf-8', ...headers });

  const handle = async (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const contentType = String(req.headers['content-type'] ?? '');
    const apiMatch = /^\/api\/([A-Za-z0-9_.]+)$/.exec(url.pathname);
    const responseMatch = /^\/response\/([^/]+)$/.exec(url.pathname);
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
    if (!responseMatch && args && typeof args === 'object') delete args.token;
    const call: SlackCall = {
      method: responseMatch ? 'response_url' : apiMatch![1]!,
      token,
      args,
      at: Date.now(),
      contentType,
      ...(responseMatch ? { responseUrlId: decodeURIComponent(responseMatch[1]!) } : {}),
    };
    calls.push(call);
    transcript.push(`${call.method} ${parseError ? raw : JSON.stringify(args)}`);

    const fault = faults.get(call.method)?.shift();
    if (fault?.delayMs) await delay(fault.delayMs);
    if (fault && 'status' in fault) {
      if (fault.status === 429) {
        const retry = 'retryAfterSeconds' in fault ? fault.retryAfterSeconds : 1;
        sendJson(res, call, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(retry) });
      } else {
        const body = 'body' in fault && fault.body !== undefined ? fault.body : `<html><body><h1>${fault.status}</h1></body></html>`;
        const type = 'contentType' in fault && fault.contentType ? fault.contentType : 'text/html';
        send(res, call, fault.status, body, { 'content-type': type });
      }
      return;
    }
    if (fault && 'error' in fault) {
      if (call.method === 'response_url') {
        sendJson(res, call, 404, { ok: false, error: fault.error, ...(fault.extra ?? {}) });
      } else {
        sendJson(res, call, 200, { ok: false, error: fault.error, ...(fault.extra ?? {}) });
      }
      return;
    }

    const handler = handlers.get(call.method);
    if (handler) {
      const answer: Json = await handler(args, call, fake);
      if (answer !== undefined) {
        sendJson(res, call, 200, answer && typeof answer === 'object' && !('ok' in answer) ? { ok: true, ...answer } : answer);
        return;
      }
    }

    if (call.method === 'response_url') {
      if (parseError) {
        send(res, call, 400, 'invalid_payload', { 'content-type': 'text/plain' });
        return;
      }
      const uses = (responseUrlUses.get(call.responseUrlId!) ?? 0) + 1;
      responseUrlUses.set(call.responseUrlId!, uses);
      if (uses > RESPONSE_URL_MAX_USES) {
        sendJson(res, call, 404, { ok: false, error: 'used_url' });
        return;
      }
      sendJson(res, call, 200, { ok: true });
      return;
    }
    if (parseError) {
      sendJson(res, call, 200, { ok: false, error: 'invalid_json' });
      return;
    }
    if (!token) {
      sendJson(res, call, 200, { ok: false, error: 'not_authed' });
      return;
    }
    if (tokens.size > 0 && !tokens.has(token)) {
      sendJson(res, call, 200, { ok: false, error: 'invalid_auth' });
      return;
    }
    const method = methods[call.method];
    sendJson(res, call, 200, method ? method(args, call) : { ok: false, error: 'unknown_method' });
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks).toString('utf8')).catch((error: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`fake slack error: ${String(error)}`);
        }
      });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  const describeCalls = (): string =>
    calls.length === 0
      ? '(no calls)'
      : calls
          .map((c) => {
            const outcome = c.status === undefined ? 'pending' : c.status !== 200 ? `HTTP ${c.status}` : c.response?.ok ? 'ok' : `error: ${String(c.response?.error)}`;
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
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = matching();
        if (found.length >= count) {
          cleanup();
          resolve(opts.count === undefined ? found[0]! : found.slice(0, count));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `fakeSlack.waitFor("${method}"${predicate ? ', <predicate>' : ''}) timed out after ${timeoutMs} ms: ` +
              `${matching().length} of ${count} matching call(s). Calls so far:\n${describeCalls()}`,
          ),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.set(check, (error) => {
        cleanup();
        reject(error);
      });
      check();
    });
  }

  const fake: FakeSlack = {
    url: baseUrl,
    apiUrl: `${baseUrl}/api/`,
    calls,
    transcript,
    callsTo: (method) => calls.filter((c) => c.method === method),
    waitFor,
    reset() {
      calls.length = 0;
      applyStartOptions();
    },
    clearCalls() {
      calls.length = 0;
    },
    setUser(id, props = {}) {
      const base: Partial<SlackUser> = { ...(users.get(id) ?? {}) };
      if (props.tz !== undefined && props.tz_offset === undefined) {
        delete base.tz_offset;
        delete base.tz_label;
      }
      const user = makeUser(id, { ...base, ...props });
      users.set(id, user);
      return structuredClone(user);
    },
    removeUser(id) {
      users.delete(id);
    },
    setGroupMembers(groupId, userIds, props = {}) {
      const existing = groups.get(groupId);
      groups.set(groupId, {
        id: groupId,
        handle: props.handle ?? existing?.handle ?? groupId.toLowerCase(),
        name: props.name ?? existing?.name ?? `Group ${groupId}`,
        users: [...userIds],
        ...(props.date_delete !== undefined ? { date_delete: props.date_delete } : {}),
      });
    },
    setChannel(id, props = {}) {
      channels.set(id, { ...(channels.get(id) ?? {}), ...props });
    },
    closeChannel(channelId, error = 'not_in_channel') {
      closedChannels.set(resolveChannel(channelId), error);
    },
    reopenChannel(channelId) {
      closedChannels.delete(resolveChannel(channelId));
    },
    addToken(token, tokenIdentity = {}) {
      tokens.set(token, tokenIdentity);
    },
    failNext(method, fault) {
      faults.set(method, [...(faults.get(method) ?? []), fault]);
    },
    onCall(method, handler) {
      handlers.set(method, handler);
    },
    offCall(method) {
      handlers.delete(method);
    },
    registerTrigger(triggerId, opts = {}) {
      strictTriggers = true;
      triggers.set(triggerId, { expiresAt: Date.now() + (opts.validForMs ?? 3000), used: false, viewId: opts.viewId });
    },
    issueTrigger(opts = {}) {
      const id = `${Date.now()}${String(tsCounter).padStart(3, '0')}.${Math.floor(Math.random() * 1e10)}.${randomBytes(16).toString('hex')}`;
      fake.registerTrigger(id, opts);
      return id;
    },
    view(idOrExternalId) {
      const v = findView(idOrExternalId);
      return v ? structuredClone(v) : undefined;
    },
    lastView() {
      return lastViewId ? structuredClone(views.get(lastViewId)) : undefined;
    },
    viewStack(rootViewId) {
      return [...(stacks.get(rootViewId) ?? [])];
    },
    message(channel, ts) {
      const m = messages.get(`${resolveChannel(channel)}:${ts}`);
      return m ? structuredClone(m) : undefined;
    },
    messages() {
      return [...messages.values()].map((m) => structuredClone(m));
    },
    responseUrl(id = randomBytes(6).toString('hex')) {
      return `${baseUrl}/response/${encodeURIComponent(id)}`;
    },
    close() {
      for (const fail of [...waiters.values()]) fail(new Error('fakeSlack closed while a waitFor was pending'));
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      });
    },
  };
  return fake;
}
