// What only workspace admins may do, checked at the moment they act (admin rights can be lost at any
// time): a command or a button tells the others why not; a submitted form refuses them under one of its fields.
import { isWorkspaceAdmin } from '../services/slackDirectory.js';
import { notAdminMessage } from '../views/commandReplies.js';
import type { SlackMessage } from '../views/message.js';
import type { Invocation, SubmissionArgs } from './types.js';

/** The way to answer the person when they are an admin; otherwise they are told why not, and undefined. */
export async function forAdmin(asked: Invocation, what: string): Promise<((note: SlackMessage) => Promise<void>) | undefined> {
  if (await isWorkspaceAdmin(asked.client, asked.userId)) return asked.tell;
  await asked.tell(notAdminMessage(what));
  return undefined;
}

export type FormReading<T> = ({ ok: true } & T) | { ok: false; errors: Record<string, string> };

/**
 * A form an admin submitted, once it reads well; undefined when the submission was refused inline —
 * its own errors under their fields, or (checked again now: the form could have been opened before the
 * person lost admin rights) `Only … admins and owners can <what>` under `blockId`.
 */
export async function submittedByAdmin<T>(args: SubmissionArgs, form: FormReading<T>, refusal: { blockId: string; what: string }): Promise<({ ok: true } & T) | undefined> {
  if (!form.ok) {
    await args.ack({ response_action: 'errors', errors: form.errors });
    return undefined;
  }
  if (!(await isWorkspaceAdmin(args.client, args.body.user.id))) {
    await args.ack({ response_action: 'errors', errors: { [refusal.blockId]: `Only Slack workspace admins and owners can ${refusal.what}.` } });
    return undefined;
  }
  return form;
}
