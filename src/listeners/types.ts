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
