// Opening a modal on a trigger that lives 3 seconds: when Slack refuses (rate limit, expired
// trigger), the person is told what happened and to try again, instead of seeing nothing.
import type { View } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { rateLimited, slackErrorCode } from '../slack/errors.js';
import type { SlackMessage } from '../views/message.js';
import { slackBusyMessage, triggerExpiredMessage } from '../views/commandReplies.js';
import { wireView } from '../views/wire.js';

const TRIGGER_ERRORS = new Set(['expired_trigger_id', 'exchanged_trigger_id', 'invalid_trigger_id']);

export async function openModal(
  client: WebClient,
  triggerId: string,
  view: View,
  tell: (message: SlackMessage) => Promise<unknown>,
): Promise<boolean> {
  try {
    await client.views.open({ trigger_id: triggerId, view: wireView(view) });
    return true;
  } catch (error) {
    const limited = rateLimited(error);
    if (limited !== undefined) {
      await tell(slackBusyMessage(limited.retryAfter));
      return false;
    }
    if (TRIGGER_ERRORS.has(slackErrorCode(error) ?? '')) {
      await tell(triggerExpiredMessage());
      return false;
    }
    throw error;
  }
}
