// Posting and updating the bot's messages in one workspace, with its own bot token, and the fallback
// people rely on: a channel closed to the bot (private, DM, archived) falls back to a DM with the requester.
import type { WebClient } from '@slack/web-api';
import type { MessageRef } from '../domain/importRequest.js';
import type { Logger } from '../process/logger.js';
import type { SlackMessage } from '../views/message.js';
import { isChannelClosed, slackErrorCode } from '../slack/errors.js';
import { wireBlocks } from '../views/wire.js';

/** The background client of one workspace: found when a call is made (its token may have been refreshed or revoked since). */
export type WorkspaceClient = () => Promise<WebClient>;

export class SlackPoster {
  constructor(
    private readonly client: WorkspaceClient,
    private readonly logger: Logger,
  ) {}

  async post(channel: string, message: SlackMessage, threadTs?: string): Promise<MessageRef> {
    const client = await this.client();
    const result = await client.chat.postMessage({
      channel,
      text: message.text,
      blocks: wireBlocks(message.blocks),
      unfurl_links: false,
      unfurl_media: false,
      ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
    });
    if (result.ts === undefined) throw new Error('chat.postMessage answered without a ts');
    return { channel: result.channel ?? channel, ts: result.ts };
  }

  /** Posts in `channel`, or, when the bot cannot post there, in a DM with `userId`. */
  async postOrDm(channel: string, userId: string, message: SlackMessage): Promise<{ ref: MessageRef; fellBack: boolean }> {
    try {
      return { ref: await this.post(channel, message), fellBack: false };
    } catch (error) {
      if (!isChannelClosed(error)) throw error;
      this.logger.info({ channel, reason: slackErrorCode(error) }, 'cannot post in channel; falling back to a DM');
      // Posting to a user id lands in the app's DM with that person (chat:write is enough).
      return { ref: await this.post(userId, message), fellBack: true };
    }
  }

  async update(ref: MessageRef, message: SlackMessage): Promise<void> {
    const client = await this.client();
    await client.chat.update({ channel: ref.channel, ts: ref.ts, text: message.text, blocks: wireBlocks(message.blocks) });
  }
}
