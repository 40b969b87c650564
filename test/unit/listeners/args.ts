// Listener arguments built the way Bolt builds them (as bolt-js's own tests do with
// createDummy…MiddlewareArgs): the payload, an `ack` that records what it was given, and the Web API
// client of the unit-test world — so a listener runs as a plain function, without an App or HTTP.
// `respond` throws: listeners answer people through the notifier, never through Bolt's respond.
import type { ButtonArgs, CommandArgs, ElementArgs, SubmissionArgs } from '../../../src/listeners/types.js';
import type { ViewStateValues } from '../../../src/views/modalState.js';
import { CHANNEL, TEAM, type World } from '../services/world.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- payloads are free-form Slack JSON. */
type Json = any;

export interface Built<A> {
  args: A;
  /** Every ack, with what it carried (undefined for a bare ack). */
  acks: unknown[];
}

/** What every listener gets; `teamId` is the workspace Bolt authorized the payload for (listeners/tenant.ts). */
function common(world: World, acks: unknown[], teamId: string) {
  return {
    ack: async (response?: unknown) => {
      acks.push(response);
    },
    respond: async () => {
      throw new Error('listeners answer through the notifier, not Bolt’s respond');
    },
    say: async () => {
      throw new Error('listeners do not say() in a channel');
    },
    client: world.slack.client,
    logger: { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel() {}, setName() {} },
    next: async () => undefined,
    context: { retryNum: undefined, retryReason: undefined, isEnterpriseInstall: false, teamId },
  };
}

export function commandArgs(world: World, o: { text: string; userId: string; teamId?: string; responseUrl: string; triggerId?: string }): Built<CommandArgs> {
  const acks: unknown[] = [];
  const command: Json = {
    command: '/simplismart',
    text: o.text,
    team_id: o.teamId ?? TEAM,
    user_id: o.userId,
    channel_id: CHANNEL,
    response_url: o.responseUrl,
    trigger_id: o.triggerId ?? 'trigger-command',
  };
  return { acks, args: { ...common(world, acks, o.teamId ?? TEAM), command, body: command, payload: command } as unknown as CommandArgs };
}

export function buttonArgs(
  world: World,
  o: { actionId: string; value: string; userId: string; teamId?: string; responseUrl?: string; triggerId?: string },
): Built<ButtonArgs> {
  const acks: unknown[] = [];
  const action: Json = { type: 'button', action_id: o.actionId, block_id: 'card', value: o.value, action_ts: '1.2', text: { type: 'plain_text', text: 'x' } };
  const body: Json = {
    type: 'block_actions',
    team: { id: o.teamId ?? TEAM, domain: 'unit' },
    user: { id: o.userId, team_id: o.teamId ?? TEAM },
    trigger_id: o.triggerId ?? 'trigger-button',
    actions: [action],
    ...(o.responseUrl === undefined ? {} : { response_url: o.responseUrl }),
  };
  return { acks, args: { ...common(world, acks, o.teamId ?? TEAM), body, action, payload: action } as unknown as ButtonArgs };
}

export function submissionArgs(
  world: World,
  o: { callbackId: string; privateMetadata: string; values: ViewStateValues; userId: string; teamId?: string; blocks?: Json[] },
): Built<SubmissionArgs> {
  const acks: unknown[] = [];
  const view: Json = {
    id: 'V0SUBMITTED',
    team_id: o.teamId ?? TEAM,
    callback_id: o.callbackId,
    private_metadata: o.privateMetadata,
    state: { values: o.values },
    blocks: o.blocks ?? [],
    hash: 'h1',
  };
  const body: Json = { type: 'view_submission', team: { id: o.teamId ?? TEAM }, user: { id: o.userId, team_id: o.teamId ?? TEAM }, view };
  return { acks, args: { ...common(world, acks, o.teamId ?? TEAM), body, view, payload: view } as unknown as SubmissionArgs };
}

/** A change inside an open modal (a button or a dispatching menu): the view as Slack sends it back, with its state. */
export function formChangeArgs(
  world: World,
  o: { actionId: string; view: { callback_id?: string; private_metadata?: string; blocks?: unknown[] }; values: ViewStateValues; value?: string; userId: string; teamId?: string },
): Built<ElementArgs> {
  const acks: unknown[] = [];
  const action: Json = { type: 'button', action_id: o.actionId, block_id: 'b', action_ts: '1.2', ...(o.value === undefined ? {} : { value: o.value }) };
  const view: Json = { id: 'V0OPENFORM', hash: 'h1', team_id: o.teamId ?? TEAM, blocks: [], ...o.view, state: { values: o.values } };
  const body: Json = { type: 'block_actions', team: { id: o.teamId ?? TEAM }, user: { id: o.userId, team_id: o.teamId ?? TEAM }, trigger_id: 'trigger-change', actions: [action], view };
  return { acks, args: { ...common(world, acks, o.teamId ?? TEAM), body, action, payload: action } as unknown as ElementArgs };
}
