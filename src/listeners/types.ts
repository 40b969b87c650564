// Listener argument types, named once: listeners are plain functions of these (testable without an App).
import type {
  AllMiddlewareArgs,
  BlockAction,
  BlockElementAction,
  ButtonAction,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackOptionsMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import type { Recipient } from '../services/notifier.js';
import type { SlackMessage } from '../views/message.js';
import type { FormOpening } from './requestForms.js';

export type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;
export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;
export type ElementArgs = SlackActionMiddlewareArgs<BlockAction<BlockElementAction>> & AllMiddlewareArgs;
export type SubmissionArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
export type SuggestionArgs = SlackOptionsMiddlewareArgs<'block_suggestion'> & AllMiddlewareArgs;

/** The workspace a payload came from (org-wide installs put it on the user or the view). */
export function teamOf(body: { team?: { id: string } | null; user?: { team_id?: string }; view?: { team_id?: string } }): string {
  return body.team?.id ?? body.user?.team_id ?? body.view?.team_id ?? '';
}

/** Who clicked or submitted, and where the answer can reach them ephemerally. */
export function clickerOf(body: {
  team?: { id: string } | null;
  user: { id: string; team_id?: string };
  view?: { team_id?: string };
  response_url?: string;
}): Recipient {
  return { teamId: teamOf(body), userId: body.user.id, responseUrl: body.response_url };
}

/** Who ran the command: the command's response_url always reaches them. */
export function commanderOf(command: { team_id: string; user_id: string; response_url: string }): Recipient {
  return { teamId: command.team_id, userId: command.user_id, responseUrl: command.response_url };
}

/** A form opened by a command: its trigger, the workspace, the person and the channel it ran in. */
export function openingOf(args: CommandArgs, tell: (note: SlackMessage) => Promise<void>): FormOpening {
  const { command } = args;
  return { client: args.client, triggerId: command.trigger_id, teamId: command.team_id, userId: command.user_id, channelId: command.channel_id, responseUrl: command.response_url, tell };
}

/** A form opened by a button: its trigger, the workspace and person, and the channel its request's thread goes to. */
export function clickOpeningOf(args: ButtonArgs, channelId: string, tell: (note: SlackMessage) => Promise<void>): FormOpening {
  const { body } = args;
  return { client: args.client, triggerId: body.trigger_id, teamId: teamOf(body), userId: body.user.id, channelId, responseUrl: body.response_url, tell };
}

/** The channel a button was clicked in, when the payload says (a message's buttons do; a modal's do not). */
export function clickedIn(args: ButtonArgs): string | undefined {
  return args.body.channel?.id;
}
