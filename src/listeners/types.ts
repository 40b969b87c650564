// Listener argument types, named once: listeners are plain functions of these (testable without an App).
// Also who asked and from which workspace (as authorized: tenant.ts), whatever the surface (a command, a
// button, a shortcut).
import type {
  AllMiddlewareArgs,
  Context,
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
import { tenantOf } from './tenant.js';

export type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;
export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;
export type ElementArgs = SlackActionMiddlewareArgs<BlockAction<BlockElementAction>> & AllMiddlewareArgs;
export type SubmissionArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
export type SuggestionArgs = SlackOptionsMiddlewareArgs<'block_suggestion'> & AllMiddlewareArgs;
export type ShortcutArgs = SlackShortcutMiddlewareArgs<GlobalShortcut> & AllMiddlewareArgs;
export type EventArgs<E extends string> = SlackEventMiddlewareArgs<E> & AllMiddlewareArgs;

/** Who clicked or submitted, in the workspace the payload was authorized for, and where the answer can reach them ephemerally. */
export function clickerOf(args: { context: Context; body: { user: { id: string }; response_url?: string } }): Recipient {
  return { ...tenantOf(args), userId: args.body.user.id, responseUrl: args.body.response_url };
}

/** Who ran the command, in the workspace it was authorized for: the command's response_url always reaches them. */
export function commanderOf(args: CommandArgs): Recipient {
  return { ...tenantOf(args), userId: args.command.user_id, responseUrl: args.command.response_url };
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
  const to = commanderOf(args);
  return { client: args.client, workspace: tenantOf(args), userId: to.userId, triggerId: args.command.trigger_id, tell: services.notifier.to(to) };
}

export function fromButton(args: ButtonArgs, services: Services): Invocation {
  const to = clickerOf(args);
  return { client: args.client, workspace: tenantOf(args), userId: to.userId, triggerId: args.body.trigger_id, tell: services.notifier.to(to) };
}

export function fromShortcut(args: ShortcutArgs, services: Services): Invocation {
  const workspace = tenantOf(args);
  // A global shortcut has no response_url: what the person is told arrives by DM.
  return { client: args.client, workspace, userId: args.body.user.id, triggerId: args.body.trigger_id, tell: services.notifier.to({ ...workspace, userId: args.body.user.id }) };
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
