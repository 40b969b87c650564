// What the local Slack knows (its workspaces — each team's users, groups and channels, and the
// Enterprise Grid org a team belongs to; the views and messages the bot made; trigger_ids; which bot
// token speaks for which team) and the Web API methods that read and change it: one entry per method
// in SLACK_METHODS. A new method is one more entry. Whom a token speaks for is decided in one place
// (SlackState.authenticate), and what it may reach in another (SlackState.reaches): as Slack does, a
// token is refused everything of another workspace (channel_not_found, user_not_found, not_found…),
// unless it is an org-wide install's token and the workspace is in its org.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { messageBlocksError, viewProblems } from './blockKitRules.js';
import { normalizeBlocks } from './modalState.js';
import { SlackOAuth, type OAuthAppOptions } from './slackOAuth.js';
import { newViewHash, viewPayload } from './slackRequests.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- Slack arguments and answers are free-form JSON. */
type Json = any;

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
  /** The workspace the group belongs to (default: the local Slack's own team). */
  team_id?: string;
  handle: string;
  name: string;
  users: string[];
  date_delete?: number;
}

export interface TokenIdentity {
  teamId?: string;
  botUserId?: string;
  botId?: string;
  /** The org of an org-wide install's token: it speaks for every workspace of that org. */
  enterpriseId?: string;
  orgWide?: boolean;
}

/** A workspace besides the default one, and the Enterprise Grid org it belongs to. */
export interface TeamOptions {
  enterpriseId?: string;
  name?: string;
  domain?: string;
}

export interface FakeSlackOptions {
  teamId?: string;
  teamDomain?: string;
  /** The workspaces this Slack knows (the default team is one even when not listed), with their orgs. */
  teams?: Record<string, TeamOptions>;
  /** The app's OAuth credentials: installing through /oauth/v2/authorize and oauth.v2.access works with them. */
  oauth?: OAuthAppOptions;
  botUserId?: string;
  botId?: string;
  appId?: string;
  /**
   * Accepted tokens and whom they identify. When given (or when `oauth` is), other tokens answer
   * `invalid_auth`. Default: any token, as the default team's bot. Tokens issued by installs are accepted too.
   */
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

/** A file uploaded in one of this Slack's workspaces (a file input's upload, say). */
export interface SlackFile {
  id: string;
  name: string;
  /** What its private URL serves. */
  content: string | Buffer;
  /** The workspace it was uploaded in (default: the default team). */
  teamId: string;
  /** Other workspaces it is shared with (Slack Connect): their tokens see it, with its own team. */
  sharedWith: string[];
  /** What files.info says of its size (default: the content's): a lie tests the streamed cap. */
  size?: number;
  filetype: string;
  /** Serve the download without Content-Length (chunked), so that only the streamed count can cap it. */
  chunked?: boolean;
  /** Wait this long before answering the download (a slow file host). */
  delayMs?: number;
}

/**
 * One run of a Workflow Builder step of the app (a `function_executed` event): running until the app
 * completes it with functions.completeSuccess or functions.completeError, with its own token (`xwfp-…`)
 * as Slack issues one per execution.
 */
export interface FunctionExecution {
  id: string;
  workflowExecutionId: string;
  callbackId: string;
  teamId: string;
  token: string;
  inputs: Json;
  state: 'running' | 'completed' | 'failed';
  outputs?: Json;
  error?: string;
  /** Every completion call the app made for it, with what this Slack answered. */
  attempts: Array<{ method: string; answer: string }>;
}

/** The app's steps as manifest.yml declares them (schema major version 1: parameters by name). */
export function manifestFunctions(): Record<string, { title: string; input_parameters: Record<string, Json>; output_parameters: Record<string, Json> }> {
  const manifest = parseYaml(readFileSync(new URL('../../manifest.yml', import.meta.url), 'utf8'));
  return manifest.functions ?? {};
}

/** Why `outputs` do not match the step's output_parameters (as Slack checks them), or undefined. */
export function outputsProblem(callbackId: string, outputs: unknown): string | undefined {
  const declared = manifestFunctions()[callbackId]?.output_parameters;
  if (declared === undefined) return `no function ${callbackId} in the manifest`;
  if (outputs === null || typeof outputs !== 'object' || Array.isArray(outputs)) return 'outputs is not an object';
  const given = outputs as Record<string, unknown>;
  for (const name of Object.keys(given)) if (!(name in declared)) return `${name} is not an output parameter`;
  for (const [name, p] of Object.entries(declared)) {
    const value = given[name];
    if (value === undefined || value === null) {
      if (p.is_required === true) return `${name} is required`;
      continue;
    }
    const ok = p.type === 'string' || String(p.type).startsWith('slack#/types/') ? typeof value === 'string' : p.type === 'integer' ? Number.isInteger(value) : p.type === 'boolean' ? typeof value === 'boolean' : true;
    if (!ok) return `${name} must be of type ${String(p.type)}`;
  }
  return undefined;
}

/** Whom a call speaks for: its token, and the team and bot that token belongs to. */
export interface Caller {
  token: string;
  /** The team of the token (for an org-wide install: its org). */
  teamId: string;
  botUserId: string;
  botId: string;
  enterpriseId: string | undefined;
  /** An org-wide install's token: it reaches every workspace of `enterpriseId`. */
  orgWide: boolean;
}

/** One Web API method: the JSON it answers (`{ ok: false, error }` for a refusal). */
export type SlackMethod = (slack: SlackState, args: Json, caller: Caller) => Json;

const DEFAULT_TZ = 'America/Los_Angeles';
const TS_BASE_SECONDS = 1_700_000_000;

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

/** The local Slack's data. `reset()` brings users, groups, channels and tokens back to the start options and forgets the rest. */
export class SlackState {
  readonly teamId: string;
  readonly teamDomain: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly appId: string;
  readonly validate: boolean;
  users = new Map<string, SlackUser>();
  groups = new Map<string, Usergroup>();
  channels = new Map<string, Partial<SlackChannel>>();
  tokens = new Map<string, TokenIdentity>();
  /** Channel → the error posting there answers (not_in_channel, is_archived, channel_not_found…). */
  closedChannels = new Map<string, string>();
  views = new Map<string, Json>();
  /** Root view id → the ids of the views pushed on it, bottom first. */
  stacks = new Map<string, string[]>();
  lastViewId: string | undefined;
  messages = new Map<string, Json>();
  triggers = new Map<string, { expiresAt: number; used: boolean; viewId?: string | undefined; teamId?: string | undefined }>();
  /** Uploaded files by id; their private URLs live under `fileBaseUrl`/files-pri/. */
  files = new Map<string, SlackFile>();
  /** This Slack's own address (known once it listens): where url_private points. */
  fileBaseUrl = 'http://127.0.0.1:9';
  /** Workflow Builder step executions by id, and by their token. */
  executions = new Map<string, FunctionExecution>();
  executionTokens = new Map<string, string>();
  /** Installs and the tokens they were issued: kept across reset(). */
  readonly oauth: SlackOAuth;
  strictTriggers = false;
  private tsCounter = 0;
  private viewCounter = 0;

  constructor(private readonly options: FakeSlackOptions) {
    this.teamId = options.teamId ?? 'T0FAKETEAM1';
    this.teamDomain = options.teamDomain ?? 'fake-team';
    this.botUserId = options.botUserId ?? 'U0FAKEBOT01';
    this.botId = options.botId ?? 'B0FAKEBOT01';
    this.appId = options.appId ?? 'A0FAKEAPP01';
    this.validate = options.validate ?? true;
    this.oauth = new SlackOAuth(options.oauth === undefined ? undefined : { ...options.oauth }, this.appId, (teamId) => this.enterpriseOf(teamId), (teamId) => this.options.teams?.[teamId]?.name ?? `Team ${teamId}`);
    this.reset();
  }

  reset(): void {
    const options = this.options;
    this.users = new Map(Object.entries(options.users ?? {}).map(([id, props]) => [id, this.makeUser(id, props)]));
    this.groups = new Map(
      Object.entries(options.groups ?? {}).map(([id, members]) => [id, { id, handle: id.toLowerCase(), name: `Group ${id}`, users: [...members] }]),
    );
    this.channels = new Map(Object.entries(options.channels ?? {}).map(([id, props]) => [id, { ...props }]));
    this.tokens = new Map(Object.entries(options.tokens ?? {}));
    this.closedChannels = new Map();
    this.views = new Map();
    this.stacks = new Map();
    this.lastViewId = undefined;
    this.messages = new Map();
    this.triggers = new Map();
    this.files = new Map();
    this.strictTriggers = options.strictTriggers ?? false;
    this.executions = new Map();
    this.executionTokens = new Map();
  }

  /** A step of the app starts running in workspace `teamId` (the test then delivers its function_executed event). */
  startExecution(callbackId: string, teamId: string, inputs: Json): FunctionExecution {
    if (manifestFunctions()[callbackId] === undefined) throw new Error(`manifest.yml declares no function ${callbackId}`);
    const execution: FunctionExecution = {
      id: `Fx${randomBytes(5).toString('hex').toUpperCase()}`,
      workflowExecutionId: `Wx${randomBytes(5).toString('hex').toUpperCase()}`,
      callbackId,
      teamId,
      token: `xwfp-${randomBytes(6).toString('hex')}-${randomBytes(12).toString('hex')}`,
      inputs,
      state: 'running',
      attempts: [],
    };
    this.executions.set(execution.id, execution);
    this.executionTokens.set(execution.token, execution.id);
    return execution;
  }

  /**
   * functions.completeSuccess / completeError: only for an execution that is still running, with that
   * execution's own token (another token — the bot's, another execution's — is refused), and outputs
   * that match the step's output_parameters in manifest.yml.
   */
  completeExecution(method: string, args: Json, caller: Caller): Json {
    const answer = (json: Json) => {
      execution?.attempts.push({ method, answer: json.ok === true ? 'ok' : String(json.error) });
      return json;
    };
    const execution = this.executions.get(String(args.function_execution_id ?? ''));
    if (execution === undefined) return { ok: false, error: 'function_execution_not_found' };
    if (caller.token !== execution.token) return answer({ ok: false, error: 'invalid_auth' });
    if (execution.state !== 'running') return answer({ ok: false, error: 'execution_not_in_running_state' });
    if (method === 'functions.completeSuccess') {
      const problem = outputsProblem(execution.callbackId, args.outputs ?? {});
      if (problem !== undefined) return answer({ ok: false, error: 'parameter_validation_failed', errors: [problem] });
      execution.state = 'completed';
      execution.outputs = args.outputs ?? {};
    } else {
      if (typeof args.error !== 'string' || args.error.trim() === '') return answer({ ok: false, error: 'invalid_arguments' });
      execution.state = 'failed';
      execution.error = args.error;
    }
    return answer({ ok: true });
  }

  /** Whether `caller` may see file `file`: its workspace's token (or its org's), or a workspace it was shared with. */
  seesFile(caller: Caller, file: SlackFile): boolean {
    return this.reaches(caller, file.teamId) || file.sharedWith.some((team) => this.reaches(caller, team));
  }

  /** The file object files.info answers with (a subset of Slack's: the fields the bot reads, and a few more). */
  fileObject(file: SlackFile): Json {
    const size = file.size ?? Buffer.byteLength(file.content);
    const url = `${this.fileBaseUrl}/files-pri/${file.teamId}-${file.id}/${encodeURIComponent(file.name)}`;
    return {
      id: file.id,
      created: TS_BASE_SECONDS,
      name: file.name,
      title: file.name,
      mimetype: file.filetype === 'json' ? 'application/json' : 'text/plain',
      filetype: file.filetype,
      pretty_type: file.filetype.toUpperCase(),
      user: 'U0UPLOADER1',
      user_team: file.teamId,
      source_team: file.teamId,
      size,
      is_external: false,
      is_public: false,
      url_private: url,
      url_private_download: `${url}?download=1`,
    };
  }

  /**
   * GET of a file's private URL with \`Authorization: Bearer\` (as the path /files-pri/<team>-<id>/<name>):
   * 403 without a token this Slack knows, 404 for a file the token's workspace does not see (another
   * workspace's token is refused), else the content.
   */
  download(path: string, token: string | undefined): { status: number; body: string | Buffer; chunked: boolean; delayMs?: number } {
    const match = /^\/files-pri\/[A-Z0-9]+-(F[A-Z0-9]+)\//.exec(path);
    const file = match === null ? undefined : this.files.get(match[1]!);
    const caller = this.authenticate(token);
    if ('error' in caller) return { status: 403, body: caller.error, chunked: false };
    if (file === undefined || !this.seesFile(caller, file)) return { status: 404, body: 'file_not_found', chunked: false };
    return { status: 200, body: file.content, chunked: file.chunked === true, ...(file.delayMs === undefined ? {} : { delayMs: file.delayMs }) };
  }

  /**
   * Whom a token speaks for, or the error Slack answers: `not_authed` without one, `invalid_auth` for
   * a token this Slack does not know (when tokens were given; otherwise any token is the default bot's).
   */
  authenticate(token: string | undefined): Caller | { error: string } {
    if (!token) return { error: 'not_authed' };
    const executionId = this.executionTokens.get(token);
    const execution = executionId === undefined ? undefined : this.executions.get(executionId);
    if (execution !== undefined) {
      // An execution's token speaks for the app's bot in the execution's workspace.
      return { token, teamId: execution.teamId, botUserId: this.botUserId, botId: this.botId, enterpriseId: this.enterpriseOf(execution.teamId), orgWide: false };
    }
    const issued = this.oauth.issued.get(token);
    if (issued !== undefined && issued.kind === 'bot') {
      if (issued.revoked) return { error: 'token_revoked' };
      if (issued.expiresAt !== undefined && issued.expiresAt <= Date.now()) return { error: 'token_expired' };
      return { token, teamId: issued.teamId, botUserId: issued.botUserId, botId: issued.botId, enterpriseId: issued.enterpriseId, orgWide: issued.orgWide };
    }
    const strict = this.tokens.size > 0 || this.options.oauth !== undefined;
    if (strict && !this.tokens.has(token)) return { error: 'invalid_auth' };
    const known = this.tokens.get(token);
    const teamId = known?.teamId ?? this.teamId;
    return {
      token,
      teamId,
      botUserId: known?.botUserId ?? this.botUserId,
      botId: known?.botId ?? this.botId,
      enterpriseId: known?.enterpriseId ?? this.enterpriseOf(teamId),
      orgWide: known?.orgWide ?? false,
    };
  }

  /** The Enterprise Grid org of a team, if it is in one. */
  enterpriseOf(teamId: string): string | undefined {
    return this.options.teams?.[teamId]?.enterpriseId;
  }

  /** Whether a caller may touch what belongs to `teamId`: its own team, or any team of its org for an org-wide token. */
  reaches(caller: Caller, teamId: string): boolean {
    if (caller.teamId === teamId) return true;
    return caller.orgWide && caller.enterpriseId !== undefined && this.enterpriseOf(teamId) === caller.enterpriseId;
  }

  /** The team of a user (a user this Slack does not know belongs to the default team). */
  teamOfUser(userId: string): string {
    return this.users.get(userId)?.team_id ?? this.teamId;
  }

  /** The team of a channel: as set, a DM's user's, or the default team. */
  teamOfChannel(channel: string): string {
    const id = this.resolveChannel(channel);
    const set = this.channels.get(id)?.['team_id'];
    if (typeof set === 'string') return set;
    if (id.startsWith('D')) return this.teamOfUser(`U${id.slice(1)}`);
    return this.teamId;
  }

  /** `channel_not_found` for a channel (or DM) of a workspace the caller does not reach, as Slack answers. */
  channelRefused(caller: Caller, channel: unknown): Json {
    return typeof channel === 'string' && channel !== '' && !this.reaches(caller, this.teamOfChannel(channel)) ? { ok: false, error: 'channel_not_found' } : undefined;
  }

  /** The domain of a team, for URLs. */
  domainOf(teamId: string): string {
    return this.options.teams?.[teamId]?.domain ?? (teamId === this.teamId ? this.teamDomain : `team-${teamId.toLowerCase()}`);
  }

  makeUser(id: string, props: Partial<SlackUser> = {}): SlackUser {
    const tz = props.tz ?? DEFAULT_TZ;
    const name = props.name ?? `user-${id.toLowerCase()}`;
    const realName = props.real_name ?? `User ${id}`;
    return {
      id,
      team_id: this.teamId,
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
  }

  setUser(id: string, props: Partial<SlackUser> = {}): SlackUser {
    const base: Partial<SlackUser> = { ...(this.users.get(id) ?? {}) };
    if (props.tz !== undefined && props.tz_offset === undefined) {
      delete base.tz_offset;
      delete base.tz_label;
    }
    const user = this.makeUser(id, { ...base, ...props });
    this.users.set(id, user);
    return structuredClone(user);
  }

  setGroupMembers(groupId: string, userIds: string[], props: Partial<Omit<Usergroup, 'id' | 'users'>> = {}): void {
    const existing = this.groups.get(groupId);
    this.groups.set(groupId, {
      id: groupId,
      handle: props.handle ?? existing?.handle ?? groupId.toLowerCase(),
      name: props.name ?? existing?.name ?? `Group ${groupId}`,
      users: [...userIds],
      ...((props.team_id ?? existing?.team_id) !== undefined ? { team_id: props.team_id ?? existing?.team_id } : {}),
      ...(props.date_delete !== undefined ? { date_delete: props.date_delete } : {}),
    });
  }

  /** A trigger_id valid `validForMs` (3 s), once; given a team, only that team's bot (or its org's) may use it. */
  registerTrigger(triggerId: string, options: { validForMs?: number; viewId?: string; teamId?: string } = {}): void {
    this.strictTriggers = true;
    this.triggers.set(triggerId, { expiresAt: Date.now() + (options.validForMs ?? 3000), used: false, viewId: options.viewId, teamId: options.teamId });
  }

  /** A trigger_id as Slack formats them, registered. */
  issueTrigger(options: { validForMs?: number; viewId?: string; teamId?: string } = {}): string {
    const id = `${Date.now()}${String(this.tsCounter).padStart(3, '0')}.${Math.floor(Math.random() * 1e10)}.${randomBytes(16).toString('hex')}`;
    this.registerTrigger(id, options);
    return id;
  }

  /** Consumes a trigger_id: refused when unknown, used, expired (once strict) or another workspace's, as Slack does. */
  useTrigger(triggerId: unknown, caller: Caller): { error?: string; viewId?: string | undefined } {
    if (typeof triggerId !== 'string' || triggerId === '') return { error: 'invalid_arguments' };
    if (!this.strictTriggers) return {};
    const trigger = this.triggers.get(triggerId);
    if (!trigger) return { error: 'invalid_trigger_id' };
    if (trigger.teamId !== undefined && !this.reaches(caller, trigger.teamId)) return { error: 'invalid_trigger_id' };
    if (trigger.used) return { error: 'exchanged_trigger_id' };
    if (Date.now() > trigger.expiresAt) return { error: 'expired_trigger_id' };
    trigger.used = true;
    return { viewId: trigger.viewId };
  }

  nextTs(): string {
    this.tsCounter += 1;
    const micros = this.tsCounter * 100;
    return `${TS_BASE_SECONDS + Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }

  newViewId(): string {
    this.viewCounter += 1;
    return `V0FAKE${String(this.viewCounter).padStart(5, '0')}`;
  }

  /** A user id stands for the DM channel with that user (as chat.postMessage accepts it). */
  resolveChannel(channel: string): string {
    return /^[UW]/.test(channel) ? dmChannelFor(channel) : channel;
  }

  channelInfo(id: string): SlackChannel {
    const props = this.channels.get(id) ?? {};
    const isIm = id.startsWith('D');
    const isPrivate = props.is_private ?? id.startsWith('G');
    const closed = this.closedChannels.get(id);
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
      context_team_id: this.teamOfChannel(id),
      ...(isIm ? { user: `U${id.slice(1)}` } : {}),
      ...props,
    };
  }

  /** Keeps `view` as Slack holds it (its id, a new hash, empty state) and returns a copy. */
  storeView(id: string, view: Json, extra: Json, caller: Caller): Json {
    const stored = {
      ...viewPayload({ ...view, id, hash: newViewHash(), previous_view_id: null, root_view_id: id }, {
        teamId: caller.teamId,
        stateValues: {},
        apiAppId: this.appId,
        botId: caller.botId,
      }),
      ...extra,
    };
    this.views.set(id, stored);
    this.lastViewId = id;
    return structuredClone(stored);
  }

  findView(idOrExternal: string): Json {
    return this.views.get(idOrExternal) ?? [...this.views.values()].find((v) => v.external_id !== '' && v.external_id === idOrExternal);
  }

  /** What Slack answers for a `view` argument it refuses, or undefined. */
  viewError(view: Json): Json {
    if (view === undefined || view === null || typeof view !== 'object') {
      return { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] missing required field: view'] } };
    }
    if (!this.validate) return undefined;
    if (Buffer.byteLength(JSON.stringify(view)) > 250 * 1024) return { ok: false, error: 'view_too_large' };
    const problems = viewProblems(view);
    if (problems.length > 0) return { ok: false, error: 'invalid_arguments', response_metadata: { messages: problems } };
    return undefined;
  }

  /** What Slack answers for a message it refuses (chat.postMessage / postEphemeral / update), or undefined. */
  messageError(args: Json): Json {
    if (typeof args.channel !== 'string' || args.channel === '') return { ok: false, error: 'channel_not_found' };
    const hasBlocks = Array.isArray(args.blocks) && args.blocks.length > 0;
    const hasAttachments = Array.isArray(args.attachments) && args.attachments.length > 0;
    if ((typeof args.text !== 'string' || args.text === '') && !hasBlocks && !hasAttachments) return { ok: false, error: 'no_text' };
    if (args.blocks !== undefined && !Array.isArray(args.blocks)) return { ok: false, error: 'invalid_blocks_format' };
    if (this.validate && hasBlocks) {
      const refused = messageBlocksError(args.blocks);
      if (refused) return refused;
    }
    if (typeof args.text === 'string' && args.text.length > 40_000) return { ok: false, error: 'msg_too_long' };
    return undefined;
  }

  /** What posting to a closed channel answers (see closeChannel), or undefined. */
  closedError(channel: string): Json {
    const closed = this.closedChannels.get(this.resolveChannel(channel)) ?? this.closedChannels.get(channel);
    return closed ? { ok: false, error: closed } : undefined;
  }

  messageRecord(args: Json, channel: string, ts: string, caller: Caller): Json {
    const message: Json = {
      type: 'message',
      subtype: 'bot_message',
      text: args.text ?? '',
      user: caller.botUserId,
      bot_id: caller.botId,
      app_id: this.appId,
      team: caller.teamId,
      ts,
    };
    if (args.blocks !== undefined) message.blocks = normalizeBlocks(args.blocks);
    if (args.attachments !== undefined) message.attachments = args.attachments;
    if (args.thread_ts !== undefined) message.thread_ts = String(args.thread_ts);
    if (args.metadata !== undefined) message.metadata = args.metadata;
    return message;
  }
}

function dmChannelFor(userId: string): string {
  return `D${userId.slice(1)}`;
}

/** The Web API methods the local Slack answers; any other answers `unknown_method`. */
export const SLACK_METHODS: Readonly<Record<string, SlackMethod>> = {
  'api.test': (_slack, args) => ({ ok: true, args }),
  'functions.completeSuccess': (slack, args, caller) => slack.completeExecution('functions.completeSuccess', args, caller),
  'functions.completeError': (slack, args, caller) => slack.completeExecution('functions.completeError', args, caller),
  'auth.test': (slack, _args, caller) => ({
    ok: true,
    url: `https://${slack.domainOf(caller.teamId)}.slack.com/`,
    team: slack.domainOf(caller.teamId),
    user: 'simplismart',
    team_id: caller.teamId,
    user_id: caller.botUserId,
    bot_id: caller.botId,
    ...(caller.enterpriseId === undefined ? {} : { enterprise_id: caller.enterpriseId }),
    is_enterprise_install: caller.orgWide,
  }),
  'oauth.v2.access': (slack, args) => slack.oauth.access(args),
  'files.info': (slack, args, caller) => {
    const file = typeof args.file === 'string' ? slack.files.get(args.file) : undefined;
    if (typeof args.file !== 'string' || args.file === '') return { ok: false, error: 'invalid_arguments' };
    // Another workspace's file is as absent as one that never existed, unless it was shared with the caller's.
    if (file === undefined || !slack.seesFile(caller, file)) return { ok: false, error: 'file_not_found' };
    return { ok: true, file: slack.fileObject(file), comments: [], response_metadata: { next_cursor: '' } };
  },
  'views.open': (slack, args, caller) => {
    const invalid = slack.viewError(args.view);
    if (invalid) return invalid;
    const trigger = slack.useTrigger(args.trigger_id ?? args.interactivity_pointer, caller);
    if (trigger.error) return { ok: false, error: trigger.error };
    if (args.view.external_id && slack.findView(args.view.external_id)) return { ok: false, error: 'duplicate_external_id' };
    const id = slack.newViewId();
    slack.stacks.set(id, [id]);
    return { ok: true, view: slack.storeView(id, args.view, {}, caller) };
  },
  'views.push': (slack, args, caller) => {
    const invalid = slack.viewError(args.view);
    if (invalid) return invalid;
    const trigger = slack.useTrigger(args.trigger_id ?? args.interactivity_pointer, caller);
    if (trigger.error) return { ok: false, error: trigger.error };
    const underId = trigger.viewId ?? slack.lastViewId;
    const under = underId ? slack.views.get(underId) : undefined;
    if (!under) return { ok: false, error: 'not_found' };
    const rootId: string = under.root_view_id ?? under.id;
    const stack = slack.stacks.get(rootId) ?? [rootId];
    if (stack.length >= 3) return { ok: false, error: 'push_limit_reached' };
    const id = slack.newViewId();
    stack.push(id);
    slack.stacks.set(rootId, stack);
    return { ok: true, view: slack.storeView(id, args.view, { root_view_id: rootId, previous_view_id: stack[stack.length - 2] }, caller) };
  },
  'views.update': (slack, args, caller) => {
    if (!args.view_id && !args.external_id) {
      return { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] view_id or external_id is required'] } };
    }
    const current = slack.findView(String(args.view_id ?? args.external_id));
    if (!current || !slack.reaches(caller, current.team_id)) return { ok: false, error: 'not_found' };
    const invalid = slack.viewError(args.view);
    if (invalid) return invalid;
    if (args.hash !== undefined && args.hash !== '' && args.hash !== current.hash) return { ok: false, error: 'hash_conflict' };
    return {
      ok: true,
      view: slack.storeView(current.id, args.view, { root_view_id: current.root_view_id, previous_view_id: current.previous_view_id }, caller),
    };
  },
  'views.publish': (slack, args, caller) => {
    const invalid = slack.viewError(args.view);
    if (invalid) return invalid;
    if (typeof args.user_id !== 'string') return { ok: false, error: 'invalid_arguments' };
    if (!slack.reaches(caller, slack.teamOfUser(args.user_id))) return { ok: false, error: 'user_not_found' };
    if (args.view.type !== 'home') return { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] must be home [json-pointer:/view/type]'] } };
    const existing = [...slack.views.values()].find((v) => v.type === 'home' && v.user_id === args.user_id && v.team_id === slack.teamOfUser(args.user_id));
    return { ok: true, view: slack.storeView(existing?.id ?? slack.newViewId(), args.view, { user_id: args.user_id, team_id: slack.teamOfUser(args.user_id) }, caller) };
  },
  'chat.postMessage': (slack, args, caller) => {
    const refused = slack.messageError(args) ?? slack.channelRefused(caller, args.channel) ?? slack.closedError(args.channel);
    if (refused) return refused;
    const channel = slack.resolveChannel(args.channel);
    const ts = slack.nextTs();
    const message = slack.messageRecord(args, channel, ts, caller);
    slack.messages.set(`${channel}:${ts}`, { ...message, channel });
    return { ok: true, channel, ts, message };
  },
  'chat.postEphemeral': (slack, args, caller) => {
    const invalid = slack.messageError(args) ?? slack.channelRefused(caller, args.channel);
    if (invalid) return invalid;
    if (typeof args.user !== 'string' || args.user === '') return { ok: false, error: 'user_not_found' };
    return slack.closedError(args.channel) ?? { ok: true, message_ts: slack.nextTs() };
  },
  'chat.update': (slack, args, caller) => {
    if (typeof args.ts !== 'string' || args.ts === '') return { ok: false, error: 'message_not_found' };
    const invalid = slack.messageError(args) ?? slack.channelRefused(caller, args.channel);
    if (invalid) return invalid;
    const channel = slack.resolveChannel(args.channel);
    const key = `${channel}:${args.ts}`;
    const message = { ...(slack.messages.get(key) ?? {}), ...slack.messageRecord(args, channel, args.ts, caller), edited: { user: caller.botUserId, ts: slack.nextTs() } };
    slack.messages.set(key, { ...message, channel });
    return { ok: true, channel, ts: args.ts, text: message.text, message };
  },
  'chat.delete': (slack, args, caller) => {
    const refused = slack.channelRefused(caller, args.channel);
    if (refused) return refused;
    const channel = slack.resolveChannel(String(args.channel ?? ''));
    const key = `${channel}:${String(args.ts)}`;
    if (!slack.messages.delete(key)) return { ok: false, error: 'message_not_found' };
    return { ok: true, channel, ts: args.ts };
  },
  'chat.getPermalink': (slack, args, caller) => {
    if (typeof args.channel !== 'string' || typeof args.message_ts !== 'string') return { ok: false, error: 'invalid_arguments' };
    const refused = slack.channelRefused(caller, args.channel);
    if (refused) return refused;
    const channel = slack.resolveChannel(args.channel);
    return { ok: true, channel, permalink: `https://${slack.domainOf(slack.teamOfChannel(channel))}.slack.com/archives/${channel}/p${args.message_ts.replace('.', '')}` };
  },
  'conversations.open': (slack, args, caller) => {
    const list = String(args.users ?? '').split(',').filter(Boolean);
    if (list.length === 0 && !args.channel) return { ok: false, error: 'users_list_not_supplied' };
    if (list.some((user) => !slack.reaches(caller, slack.teamOfUser(user)))) return { ok: false, error: 'user_not_found' };
    const id = args.channel ? String(args.channel) : dmChannelFor(list[0]!);
    return { ok: true, channel: { id } };
  },
  'conversations.info': (slack, args, caller) => {
    if (typeof args.channel !== 'string' || args.channel === '') return { ok: false, error: 'channel_not_found' };
    if (slack.channelRefused(caller, args.channel)) return { ok: false, error: 'channel_not_found' };
    if (slack.closedChannels.get(args.channel) === 'channel_not_found') return { ok: false, error: 'channel_not_found' };
    return { ok: true, channel: slack.channelInfo(args.channel) };
  },
  'users.info': (slack, args, caller) => {
    const user = slack.users.get(String(args.user));
    if (!user || !slack.reaches(caller, user.team_id)) return { ok: false, error: 'user_not_found' };
    return { ok: true, user: structuredClone(user) };
  },
  'usergroups.users.list': (slack, args, caller) => {
    const group = slack.groups.get(String(args.usergroup));
    if (!group || !slack.reaches(caller, group.team_id ?? slack.teamId)) return { ok: false, error: 'no_such_subteam' };
    return { ok: true, users: [...group.users] };
  },
  'usergroups.list': (slack, args, caller) => {
    const includeUsers = args.include_users === true || args.include_users === 'true';
    return {
      ok: true,
      usergroups: [...slack.groups.values()].filter((g) => slack.reaches(caller, g.team_id ?? slack.teamId)).map((g) => ({
        id: g.id,
        team_id: g.team_id ?? slack.teamId,
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
