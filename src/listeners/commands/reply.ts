// Ephemeral answers to a slash command, through its response_url.
import type { RespondFn } from '@slack/bolt';
import type { SlackMessage } from '../../views/importMessages.js';

export function replier(respond: RespondFn) {
  return (message: SlackMessage) =>
    respond({ response_type: 'ephemeral', replace_original: false, text: message.text, blocks: message.blocks });
}
