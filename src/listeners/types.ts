// Listener argument types, named once: listeners are plain functions of these (testable without an App).
// Also who asked and from which workspace, whatever the surface (a command, a button, a shortcut).
import type {
  AllMiddlewareArgs,
  BlockAction,
  BlockElementAction,
  ButtonAction,
  GlobalShortcut,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackEventMiddlewareArgs,
  SlackOptionsMiddlewareArgs,
  SlackShortcutMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Workspace } from '../domain/workspace.js';
import type { Services } from '../services/index.js';
import type { Recipient } from '../services/notifier.js';
import type { SlackMessage } from '../views/message.js';

export type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;
export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;
export type ElementArgs = SlackActionMiddlewareArgs<BlockAction<BlockElementAction>> & AllMiddlewareArgs;
export type SubmissionArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
export type SuggestionArgs = SlackOptionsMiddlewareArgs<'block_suggestion'> & AllMiddlewareArgs;
export type ShortcutArgs = SlackShortcutMiddlewareArgs<GlobalShortcut> & AllMiddlewareArgs;
export type EventArgs<E extends string> = SlackEventMiddlewareArgs<E> & AllMiddlewareArgs;

/** What an interactive payload says about where it came from (Slack's field names). */
interface PayloadOrigin {
  team?: { id: string; enterprise_id?: string } | null;
  user?: { team_id?: string };
  view?: { team_id?: string };
  enterprise?: { id: string } | null;
}

/** The workspace a payload came from (org-wide installs put it on the user or the view). */
export function teamOf(body: PayloadOrigin): string {
  return body.team?.id ?? body.user?.team_id ?? body.view?.team_id ?? '';
}

/** The workspace and its Enterprise Grid org, as an interactive payload names them. */
export function workspaceOf(body: PayloadOrigin): Workspace {
  return { teamId: teamOf(body), enterpriseId: body.enterprise?.id ?? body.team?.enterprise_id ?? null };
}

/** Who clicked or submitted, and where the answer can reach them ephemerally. */
export function clickerOf(body: PayloadOrigin & { user: { id: string }; response_url?: string }): Recipient {
  return { ...workspaceOf(body), userId: body.user.id, responseUrl: body.response_url };
}

/** Who ran the command: the command's response_url always reaches them. */
export function commanderOf(command: { team_id: string; enterprise_id?: string; user_id: string; response_url: string }): Recipient {
  return { teamId: command.team_id, enterpriseId: command.enterprise_id ?? null, userId: command.user_id, responseUrl: command.response_url };
}

/**
 * Someone asking for something, whatever the surface: a command, a button (on a card, a message or
 * the App Home), a shortcut. What the commands do is written once against this and reached from each.
 */
export interface Invocation {
  /** The workspace's client for this payload (person-facing: fails fast). */
  client: WebClient;
  workspace: Workspace;
  userId: string;
  /** Opens a modal within 3 seconds, once. */
  triggerId: string;
  /** Tells the person something only they see: where they acted when Slack gave a response_url, else by DM. */
  tell: (note: SlackMessage) => Promise<void>;
}

export function fromCommand(args: CommandArgs, services: Services): Invocation {
  const { command } = args;
  const to = commanderOf(command);
  return { client: args.client, workspace: { teamId: to.teamId, enterpriseId: to.enterpriseId ?? null }, userId: command.user_id, triggerId: command.trigger_id, tell: services.notifier.to(to) };
}

export function fromButton(args: ButtonArgs, services: Services): Invocation {
  const to = clickerOf(args.body);
  return { client: args.client, workspace: workspaceOf(args.body), userId: to.userId, triggerId: args.body.trigger_id, tell: services.notifier.to(to) };
}

export function fromShortcut(args: ShortcutArgs, services: Services): Invocation {
  const { body } = args;
  const workspace = { teamId: body.team?.id ?? body.user.team_id ?? '', enterpriseId: body.enterprise?.id ?? null };
  // A global shortcut has no response_url: what the person is told arrives by DM.
  return { client: args.client, workspace, userId: body.user.id, triggerId: body.trigger_id, tell: services.notifier.to({ ...workspace, userId: body.user.id }) };
}

/** Someone opening a form that sends a request (see requestForms.ts), and the channel its thread goes to. */
export interface FormOpening extends Invocation {
  /** A channel, or the person's own id for their DM with the app. */
  channelId: string;
  /** Where the form's answers reach the person where they acted, when Slack gave one. */
  responseUrl?: string | undefined;
}

/** A form opened by a command: its thread goes to the channel the command ran in. */
export function openingOf(args: CommandArgs, services: Services): FormOpening {
  const { command } = args;
  return { ...fromCommand(args, services), channelId: command.channel_id, responseUrl: command.response_url };
}

/** A form opened by a button: its request's thread goes to `channelId`. */
export function clickOpeningOf(args: ButtonArgs, services: Services, channelId: string): FormOpening {
  return { ...fromButton(args, services), channelId, responseUrl: args.body.response_url };
}

/** The channel a button was clicked in, when the payload says (a message's buttons do; a modal's do not). */
export function clickedIn(args: ButtonArgs): string | undefined {
  return args.body.channel?.id;
}
