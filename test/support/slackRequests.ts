// Builds and signs requests exactly as Slack sends them to the bot (slash commands, interactivity
// payloads, shortcuts, Events API callbacks) and posts them.
import { createHmac, randomBytes, randomInt } from 'node:crypto';
import {
  clientSideErrors,
  elementState,
  fillModal,
  inputSlots,
  normalizeBlocks,
  type FillValue,
  type OptionLike,
  type StateValues,
  type ViewLike,
} from './modalState.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- payloads are free-form Slack JSON. */
type Json = any;

export const FAKE_APP_ID = 'A0FAKEAPP01';
export const FAKE_BOT_ID = 'B0FAKEBOT01';
/** The deprecated verification token Slack still puts in every payload (`token`). */
export const FAKE_VERIFICATION_TOKEN = 'fAkEvErIfIcAtIoNtOkEn123';
/** Default for `response_url` when a test gives none: a closed local port, so a bot using it fails loudly instead of reaching hooks.slack.com. */
export const UNSET_RESPONSE_URL = 'http://127.0.0.1:9/response/unset';

/** A request body as Slack sends it, with the decoded payload for assertions. */
export interface SlackRequest {
  /** Raw body, signed as is. */
  body: string;
  /** Content-Type Slack uses for it (form-urlencoded for commands and interactivity). */
  contentType: string;
  /** The command fields, or the JSON inside `payload=`. */
  payload: Json;
}

interface Who {
  teamId: string;
  userId: string;
  /** Defaults: team domain `team-<teamid>`, user name `user-<userid>`. */
  teamDomain?: string;
  userName?: string;
  enterpriseId?: string;
  /** The app is installed org-wide in `enterpriseId` (payloads then say `is_enterprise_install`). */
  orgWide?: boolean;
  apiAppId?: string;
}

/** A trigger_id as Slack formats them: `<digits>.<digits>.<32 hex>`. Valid 3 s, once (enforced by the fake when registered). */
export function newTriggerId(): string {
  return `${randomInt(1e12, 1e13)}.${randomInt(1e9, 1e10)}.${randomBytes(16).toString('hex')}`;
}

/** An `action_ts` / `message_ts`-style timestamp: seconds.microseconds. */
export function slackTs(date = new Date()): string {
  const micros = String(randomInt(0, 1_000_000)).padStart(6, '0');
  return `${Math.floor(date.getTime() / 1000)}.${micros}`;
}

/** A fresh view id (`V` + 10 upper-case alphanumerics). */
export function newViewId(): string {
  return `V${randomBytes(8).toString('hex').toUpperCase().slice(0, 10)}`;
}

/** A view hash as Slack formats it (`<unix seconds>.<8 hex>`). */
export function newViewHash(): string {
  return `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`;
}

/** Headers Slack adds: `X-Slack-Signature: v0=HMAC_SHA256(secret, "v0:{ts}:{body}")` and `X-Slack-Request-Timestamp`. */
export function signSlackRequest(
  rawBody: string,
  signingSecret: string,
  timestampSeconds: number = Math.floor(Date.now() / 1000),
  contentType: string = rawBody.trimStart().startsWith('{') ? 'application/json' : 'application/x-www-form-urlencoded',
): Record<string, string> {
  const signature = createHmac('sha256', signingSecret).update(`v0:${timestampSeconds}:${rawBody}`).digest('hex');
  return {
    'content-type': contentType,
    'x-slack-request-timestamp': String(timestampSeconds),
    'x-slack-signature': `v0=${signature}`,
  };
}

function teamOf(who: Who): Json {
  return { id: who.teamId, domain: who.teamDomain ?? `team-${who.teamId.toLowerCase()}` };
}

function userOf(who: Who): Json {
  const name = who.userName ?? `user-${who.userId.toLowerCase()}`;
  return { id: who.userId, username: name, name, team_id: who.teamId };
}

function enterpriseFields(who: Who): Json {
  return {
    enterprise: who.enterpriseId ? { id: who.enterpriseId, name: `enterprise-${who.enterpriseId.toLowerCase()}` } : null,
    is_enterprise_install: who.orgWide === true,
  };
}

/** The fields every interactivity payload opens with: its type, who sent it from where, the app. */
function payloadHead(type: string, who: Who): Json {
  return { type, team: teamOf(who), user: userOf(who), api_app_id: who.apiAppId ?? FAKE_APP_ID, token: FAKE_VERIFICATION_TOKEN, ...enterpriseFields(who) };
}

function payloadRequest(payload: Json): SlackRequest {
  return {
    body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
    contentType: 'application/x-www-form-urlencoded',
    payload,
  };
}

function channelName(channelId: string): string {
  if (channelId.startsWith('D')) return 'directmessage';
  if (channelId.startsWith('G')) return 'privategroup';
  return `channel-${channelId.toLowerCase()}`;
}

export interface SlashCommandOptions extends Who {
  channelId: string;
  text: string;
  /** Default `/simplismart`. */
  command?: string;
  channelName?: string;
  triggerId?: string;
  responseUrl?: string;
}

/** A slash command: form-urlencoded fields in the order Slack sends them. */
export function slashCommand(o: SlashCommandOptions): SlackRequest {
  const fields: Array<[string, string]> = [
    ['token', FAKE_VERIFICATION_TOKEN],
    ['team_id', o.teamId],
    ['team_domain', teamOf(o).domain],
  ];
  if (o.enterpriseId) {
    fields.push(['enterprise_id', o.enterpriseId], ['enterprise_name', `enterprise-${o.enterpriseId.toLowerCase()}`]);
  }
  fields.push(
    ['channel_id', o.channelId],
    ['channel_name', o.channelName ?? channelName(o.channelId)],
    ['user_id', o.userId],
    ['user_name', userOf(o).name],
    ['command', o.command ?? '/simplismart'],
    ['text', o.text],
    ['api_app_id', o.apiAppId ?? FAKE_APP_ID],
    ['is_enterprise_install', o.orgWide === true ? 'true' : 'false'],
    ['response_url', o.responseUrl ?? UNSET_RESPONSE_URL],
    ['trigger_id', o.triggerId ?? newTriggerId()],
  );
  return {
    body: new URLSearchParams(fields).toString(),
    contentType: 'application/x-www-form-urlencoded',
    payload: Object.fromEntries(fields),
  };
}

export interface ViewPayloadOptions {
  teamId: string;
  /** State to report; default: computed from the view's initial values. */
  stateValues?: StateValues;
  apiAppId?: string;
  botId?: string;
}

/**
 * A view as it appears inside interactivity payloads (`view` of block_actions / view_submission /
 * block_suggestion): Slack's full view object with `id`, `hash`, `state.values`, generated block/action ids.
 * Pass the view the fake Slack returned (it carries id, hash, root/previous ids) to keep them consistent.
 */
export function viewPayload(view: Json, o: ViewPayloadOptions): Json {
  const id: string = view.id ?? newViewId();
  return {
    id,
    team_id: o.teamId,
    type: view.type ?? 'modal',
    blocks: normalizeBlocks(view.blocks),
    private_metadata: view.private_metadata ?? '',
    callback_id: view.callback_id ?? '',
    state: { values: o.stateValues ?? fillModal(view as ViewLike) },
    hash: view.hash ?? newViewHash(),
    title: view.title ?? null,
    clear_on_close: view.clear_on_close ?? false,
    notify_on_close: view.notify_on_close ?? false,
    close: view.close ?? null,
    submit: view.submit ?? null,
    previous_view_id: view.previous_view_id ?? null,
    root_view_id: view.root_view_id ?? id,
    app_id: o.apiAppId ?? view.app_id ?? FAKE_APP_ID,
    external_id: view.external_id ?? '',
    app_installed_team_id: o.teamId,
    bot_id: o.botId ?? view.bot_id ?? FAKE_BOT_ID,
  };
}

export interface BlockActionsOptions extends Who {
  actionId: string;
  blockId: string;
  /**
   * What the person did: button → its value (default: the button's own `value`); text input → text;
   * select/radio → an option value; checkboxes/multi-select → a list; users/conversations/channels select → id.
   */
  value?: FillValue;
  /** Explicit option (external_select: the option your options handler returned). */
  selectedOption?: OptionLike;
  /** The view the action happened in (a modal). Its state is reported, with this element's new value applied. */
  view?: Json;
  /** State the view had before this action (e.g. from fillModal); default: its initial values. */
  stateValues?: StateValues;
  /** Message the action happened in (its `ts`, `blocks`, `text`); requires channelId. */
  message?: Json;
  channelId?: string;
  container?: Json;
  triggerId?: string;
  /** Only message actions carry a response_url (default: UNSET_RESPONSE_URL). */
  responseUrl?: string;
  /** Element type when it cannot be found in the view/message (default `button`). */
  elementType?: string;
  /** Build the payload even where Slack would send none (input element without `dispatch_action: true`). */
  force?: boolean;
}

function locateElement(blocks: readonly unknown[] | undefined, blockId: string, actionId: string): { block: Json; element: Json } | undefined {
  for (const block of normalizeBlocks(blocks)) {
    if (block?.block_id !== blockId) continue;
    const elements: Json[] =
      block.type === 'input' ? [block.element] : block.type === 'actions' ? (block.elements ?? []) : block.accessory ? [block.accessory] : [];
    const element = elements.find((e) => e?.action_id === actionId);
    if (element) return { block, element };
  }
  return undefined;
}

/**
 * A `block_actions` payload: a person clicked a button or changed an element in a modal (`view`) or a
 * message (`message` + `channelId`). Throws where Slack would send nothing: unknown block/action ids in the
 * given view/message, or an input-block element without `dispatch_action: true` (unless `force`).
 */
export function blockActions(o: BlockActionsOptions): SlackRequest {
  const blocks = o.view?.blocks ?? o.message?.blocks;
  const found = blocks ? locateElement(blocks, o.blockId, o.actionId) : undefined;
  if (blocks && !found && !o.elementType) {
    throw new Error(
      `blockActions: no element with action_id "${o.actionId}" in block "${o.blockId}" of the given ${o.view ? 'view' : 'message'}`,
    );
  }
  if (found?.block.type === 'input' && found.block.dispatch_action !== true && !o.force) {
    throw new Error(
      `blockActions: Slack sends no block_actions for "${o.actionId}" in input block "${o.blockId}": the block lacks dispatch_action: true`,
    );
  }
  const element: Json = found?.element ?? { type: o.elementType ?? 'button', action_id: o.actionId, text: { type: 'plain_text', text: o.actionId } };
  const actionTs = slackTs();

  let action: Json;
  let newState: Json;
  if (element.type === 'overflow') {
    const selected = o.selectedOption ?? element.options?.find((x: Json) => x.value === o.value);
    if (!selected) throw new Error(`blockActions: overflow "${o.actionId}" has no option ${JSON.stringify(o.value)}`);
    action = { type: 'overflow', action_id: o.actionId, block_id: o.blockId, selected_option: selected, action_ts: actionTs };
  } else if (element.type === 'button' || element.type === 'workflow_button') {
    action = { action_id: o.actionId, block_id: o.blockId, text: element.text, value: o.value ?? element.value, type: element.type, action_ts: actionTs };
    if (action.value === undefined) delete action.value;
    if (element.style) action.style = element.style;
  } else {
    const slot = { blockId: o.blockId, element };
    newState = o.selectedOption
      ? elementState(slot, o.selectedOption)
      : elementState(slot, o.value === undefined ? undefined : o.value);
    action = { ...newState, action_id: o.actionId, block_id: o.blockId, action_ts: actionTs };
    if (element.placeholder) action.placeholder = element.placeholder;
  }

  const payload: Json = {
    ...payloadHead('block_actions', o),
    container: o.container ?? null,
    trigger_id: o.triggerId ?? newTriggerId(),
  };

  if (o.view) {
    const state: StateValues = structuredClone(o.stateValues ?? fillModal(o.view as ViewLike));
    if (newState) (state[o.blockId] ??= {})[o.actionId] = newState;
    const view = viewPayload(o.view, { teamId: o.teamId, stateValues: state, apiAppId: o.apiAppId });
    payload.container ??= { type: 'view', view_id: view.id };
    payload.view = view;
  } else {
    if (!o.channelId) throw new Error('blockActions: give `view` (modal action) or `channelId` (+ `message`) for a message action');
    const ts: string = o.message?.ts ?? slackTs();
    payload.container ??= { type: 'message', message_ts: ts, channel_id: o.channelId, is_ephemeral: false };
    payload.channel = { id: o.channelId, name: channelName(o.channelId) };
    payload.message = { type: 'message', subtype: 'bot_message', text: '', ts, bot_id: FAKE_BOT_ID, app_id: o.apiAppId ?? FAKE_APP_ID, ...o.message };
    if (payload.message.blocks) payload.message.blocks = normalizeBlocks(payload.message.blocks);
    const state: StateValues = structuredClone(o.stateValues ?? (o.message?.blocks ? fillModal({ blocks: o.message.blocks }) : {}));
    if (newState) (state[o.blockId] ??= {})[o.actionId] = newState;
    payload.state = { values: state };
    payload.response_url = o.responseUrl ?? UNSET_RESPONSE_URL;
  }
  payload.actions = [action];
  return payloadRequest(payload);
}

export interface ViewSubmissionOptions extends Who {
  /** The modal as the bot sent it (or as the fake Slack returned it: keeps id/hash/root ids). */
  view: Json;
  /** Exact `state.values` (e.g. from fillModal). */
  stateValues?: StateValues;
  /** Convenience: block_id → what the person typed, passed to fillModal (ignored when stateValues is given). */
  fill?: Record<string, FillValue>;
  triggerId?: string;
  /** `response_urls` entries (only when the modal has an input with `response_url_enabled`). */
  responseUrls?: Json[];
  /** Build it even if Slack's client would refuse to submit (required field empty, bad number…). */
  allowInvalid?: boolean;
}

/** A `view_submission` payload. Throws when Slack's client would not let the person submit (see clientSideErrors). */
export function viewSubmission(o: ViewSubmissionOptions): SlackRequest {
  const state = o.stateValues ?? fillModal(o.view as ViewLike, o.fill ?? {});
  if (!o.allowInvalid) {
    const errors = clientSideErrors(o.view as ViewLike, state);
    if (Object.keys(errors).length > 0) {
      throw new Error(
        `viewSubmission: Slack's client would not submit this modal: ${JSON.stringify(errors)} (pass allowInvalid: true to send it anyway)`,
      );
    }
  }
  return payloadRequest({
    ...payloadHead('view_submission', o),
    trigger_id: o.triggerId ?? newTriggerId(),
    view: viewPayload(o.view, { teamId: o.teamId, stateValues: state, apiAppId: o.apiAppId }),
    response_urls: o.responseUrls ?? [],
  });
}

export interface ViewClosedOptions extends Who {
  view: Json;
  stateValues?: StateValues;
  isCleared?: boolean;
}

/** A `view_closed` payload (sent only for views opened with `notify_on_close: true`). */
export function viewClosed(o: ViewClosedOptions): SlackRequest {
  return payloadRequest({
    ...payloadHead('view_closed', o),
    view: viewPayload(o.view, { teamId: o.teamId, stateValues: o.stateValues, apiAppId: o.apiAppId }),
    is_cleared: o.isCleared ?? false,
  });
}

export interface BlockSuggestionOptions extends Who {
  actionId: string;
  blockId: string;
  /** What the person has typed so far. */
  value: string;
  view: Json;
  stateValues?: StateValues;
  /** Build it even if Slack would not send it (element not external, or fewer chars than min_query_length). */
  force?: boolean;
}

/**
 * A `block_suggestion` payload (external_select / multi_external_select typeahead). Slack sends it only
 * once `value` has at least `min_query_length` characters (default 3); this throws otherwise unless `force`.
 */
export function blockSuggestion(o: BlockSuggestionOptions): SlackRequest {
  const found = locateElement(o.view?.blocks, o.blockId, o.actionId);
  if (!o.force) {
    if (!found) throw new Error(`blockSuggestion: no element "${o.actionId}" in block "${o.blockId}" of the view`);
    const type = String(found.element.type);
    if (type !== 'external_select' && type !== 'multi_external_select') {
      throw new Error(`blockSuggestion: "${o.actionId}" is a ${type}; Slack asks for options only for external selects`);
    }
    const min = Number(found.element.min_query_length ?? 3);
    if (o.value.length < min) {
      throw new Error(`blockSuggestion: Slack waits for ${min} typed characters (min_query_length) before asking; got "${o.value}"`);
    }
  }
  const view = viewPayload(o.view, { teamId: o.teamId, stateValues: o.stateValues, apiAppId: o.apiAppId });
  return payloadRequest({
    ...payloadHead('block_suggestion', o),
    container: { type: 'view', view_id: view.id },
    action_id: o.actionId,
    block_id: o.blockId,
    value: o.value,
    view,
  });
}

export interface GlobalShortcutOptions extends Who {
  callbackId: string;
  triggerId?: string;
}

/** A global shortcut (from the ⚡ menu or the search bar): no channel, no response_url. */
export function globalShortcut(o: GlobalShortcutOptions): SlackRequest {
  return payloadRequest({
    ...payloadHead('shortcut', o),
    callback_id: o.callbackId,
    trigger_id: o.triggerId ?? newTriggerId(),
    action_ts: slackTs(),
  });
}

export interface EventCallbackOptions {
  teamId: string;
  enterpriseId?: string;
  /** The app is installed org-wide: the authorization names the org, and `is_enterprise_install` is true. */
  orgWide?: boolean;
  /** The bot user the event is delivered for. */
  botUserId?: string;
  /** The event itself (`{ type: 'app_home_opened', user, tab, … }`). */
  event: Json;
  apiAppId?: string;
}

/** An Events API callback, as Slack POSTs it (JSON), with its `authorizations`. */
export function eventCallback(o: EventCallbackOptions): SlackRequest {
  const eventTs = slackTs();
  const payload: Json = {
    token: FAKE_VERIFICATION_TOKEN,
    team_id: o.teamId,
    ...(o.enterpriseId === undefined ? {} : { enterprise_id: o.enterpriseId }),
    api_app_id: o.apiAppId ?? FAKE_APP_ID,
    event: { event_ts: eventTs, ...o.event },
    type: 'event_callback',
    event_id: `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [
      {
        enterprise_id: o.enterpriseId ?? null,
        team_id: o.orgWide === true ? null : o.teamId,
        user_id: o.botUserId ?? 'U0FAKEBOT01',
        is_bot: true,
        is_enterprise_install: o.orgWide === true,
      },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${randomBytes(8).toString('hex')}`,
  };
  return { body: JSON.stringify(payload), contentType: 'application/json', payload };
}

/** The function_executed event of a step execution the local Slack started (FakeSlack.startExecution), as Slack POSTs it. */
export function functionExecuted(execution: { id: string; workflowExecutionId: string; callbackId: string; teamId: string; token: string; inputs: Json }, o: { enterpriseId?: string; orgWide?: boolean } = {}): SlackRequest {
  return eventCallback({
    teamId: execution.teamId,
    ...o,
    event: {
      type: 'function_executed',
      function: {
        id: `Fn${execution.callbackId.length.toString().padStart(4, '0')}`,
        callback_id: execution.callbackId,
        title: execution.callbackId,
        type: 'app',
        input_parameters: [],
        output_parameters: [],
        app_id: FAKE_APP_ID,
        date_created: 1_700_000_000,
        date_updated: 1_700_000_000,
        date_deleted: 0,
      },
      inputs: execution.inputs,
      function_execution_id: execution.id,
      workflow_execution_id: execution.workflowExecutionId,
      bot_access_token: execution.token,
    },
  });
}

export interface PostToBotOptions {
  signingSecret: string;
  /** Unix seconds to sign with (default now; older than 5 min is rejected by Bolt). */
  timestamp?: number;
  /** Replace the computed X-Slack-Signature (to test rejection). */
  signature?: string;
  /** Extra/overriding headers, e.g. `{ 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' }`. */
  headers?: Record<string, string>;
  /** Default `/slack/events` (Bolt's HTTPReceiver default for commands, actions and events). */
  path?: string;
  /** Abort after this long (default 10 s). */
  timeoutMs?: number;
}

export interface BotResponse {
  status: number;
  text: string;
  /** Parsed body when it is JSON (e.g. a view_submission ack with response_action). */
  json?: Json;
  headers: Headers;
  /** Time until the bot answered (Slack gives up after 3000 ms). */
  ms: number;
}

/** POSTs a signed request to the bot, like Slack does, and reports the answer and how long it took. */
export async function postToBot(botUrl: string, request: string | SlackRequest, o: PostToBotOptions): Promise<BotResponse> {
  const body = typeof request === 'string' ? request : request.body;
  const contentType = typeof request === 'string' ? undefined : request.contentType;
  const headers = signSlackRequest(body, o.signingSecret, o.timestamp, contentType);
  if (o.signature !== undefined) headers['x-slack-signature'] = o.signature;
  Object.assign(headers, Object.fromEntries(Object.entries(o.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])));
  headers['user-agent'] = 'Slackbot 1.0 (+https://api.slack.com/robots)';
  const started = performance.now();
  const response = await fetch(`${botUrl.replace(/\/+$/, '')}${o.path ?? '/slack/events'}`, {
    method: 'POST',
    headers,
    body,
    signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
  });
  const text = await response.text();
  const ms = performance.now() - started;
  let json: Json;
  if (text !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  return { status: response.status, text, json, headers: response.headers, ms };
}

/** Every input of a view with the values a fillModal call would report (handy in failure messages). */
export function describeInputs(view: Json): string {
  return inputSlots(view as ViewLike)
    .map((s) => `${s.blockId}/${s.actionId} (${String(s.element.type)}${s.optional ? ', optional' : ''})`)
    .join('\n');
}
