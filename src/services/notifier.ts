// Telling one person something only they see — the one way every surface does it: through the
// payload's response_url (ephemeral, where they acted), else by DM when there is none or it no longer
// works (valid 30 minutes and 5 uses). The DM goes out through the poster of the payload's workspace.
import type { Workspace } from '../domain/workspace.js';
import type { Logger } from '../process/logger.js';
import type { SlackMessage } from '../views/message.js';
import type { SlackPoster } from './slackPoster.js';

/** Who to tell, as a payload names them. */
export interface Recipient {
  /** The workspace the payload came from: its poster sends the DM. */
  teamId: string;
  /** Its Enterprise Grid org, when it has one (an org-wide install's token speaks for the team). */
  enterpriseId?: string | null | undefined;
  userId: string;
  /** The payload's response_url, when it carries one. */
  responseUrl?: string | undefined;
}

/** Posts an ephemeral note to a response_url; rejects when Slack does not take it. */
export type ResponseUrlPost = (responseUrl: string, message: SlackMessage) => Promise<void>;

export class Notifier {
  private readonly respond: ResponseUrlPost;

  constructor(
    private readonly deps: {
      /** The poster that speaks for a workspace, with its own bot token. */
      posterFor: (workspace: Workspace) => SlackPoster;
      logger: Logger;
      /** How response_urls are reached; tests pass their own. */
      respond?: ResponseUrlPost;
    },
  ) {
    this.respond = deps.respond ?? respondVia;
  }

  /**
   * Ephemerally through the response_url, or by DM. `orDm: false` is for courtesy notes whose content
   * already reached the person another way: then a refused response_url rejects instead.
   */
  async tell(to: Recipient, note: SlackMessage, options: { orDm?: boolean } = {}): Promise<void> {
    if (to.responseUrl !== undefined) {
      try {
        await this.respond(to.responseUrl, note);
        return;
      } catch (error) {
        if (options.orDm === false) throw error;
        this.deps.logger.info({ err: error, teamId: to.teamId }, 'the response_url did not take the note; sending it by DM');
      }
    } else if (options.orDm === false) {
      return;
    }
    // Posting to a user id lands in the app's DM with that person (chat:write is enough).
    await this.deps.posterFor({ teamId: to.teamId, enterpriseId: to.enterpriseId ?? null }).post(to.userId, note);
  }

  /** `tell` bound to one person: what a listener hands to code that may need to say something. */
  to(recipient: Recipient): (note: SlackMessage) => Promise<void> {
    return (note) => this.tell(recipient, note);
  }
}

/** POSTs an ephemeral note to a response_url, never replacing the message that carried it. */
export async function respondVia(responseUrl: string, message: SlackMessage): Promise<void> {
  const response = await fetch(responseUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: message.text, blocks: message.blocks, response_type: 'ephemeral', replace_original: false }),
    signal: AbortSignal.timeout(5000),
  });
  if (!response.ok) throw new Error(`response_url answered ${response.status}`);
}
