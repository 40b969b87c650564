// The metadata both forms that send a request carry (the import form, the node-groups form): the
// channel a new thread goes to, the node-group editor's slots, the request it edits, where to reach the
// person, the approval note shown on top. Each form's schema spreads this shape and adds its own.
import { z } from 'zod';
import { clipMrkdwn } from './blocks.js';
import { nodeGroupSlotsShape, slotsOf, type WithNodeGroups } from './nodeGroupEditor.js';

/** The approval note shown on top of the form, kept in its metadata (whose room is 3000 in all). */
export const APPROVAL_NOTE_MAX = 600;

/** The provenance line ("node groups proposed from 12 nodes of …"), within the metadata's 3000 characters. */
export const PROVENANCE_MAX = 300;

export const requestFormMetaShape = {
  /** The channel the command (or button) was used in: where the notification thread goes. */
  c: z.string().max(30),
  ...nodeGroupSlotsShape,
  /** The request this form edits, if any. */
  r: z.string().max(40).optional(),
  /** The command's response_url, to reach the person if the channel is closed to the bot. */
  u: z.string().max(500).optional(),
  /** The approval note shown on top, kept so that form updates need no policy lookup. */
  a: z.string().max(APPROVAL_NOTE_MAX).optional(),
  /** Where the node groups came from when "Fill from my nodes" filled them: kept to the request's thread and audit. */
  p: z.string().max(PROVENANCE_MAX).optional(),
};

export type RequestFormMeta = z.infer<z.ZodObject<typeof requestFormMetaShape>>;

/** What the form starts with beside its fields. */
export interface RequestFormExtra {
  replacesId?: string;
  responseUrl?: string;
  approvalNote?: string;
}

export function requestFormMetaFor(form: WithNodeGroups, channelId: string, extra: RequestFormExtra = {}): RequestFormMeta {
  return {
    c: channelId,
    ...slotsOf(form.nodeGroups),
    ...(extra.replacesId === undefined ? {} : { r: extra.replacesId }),
    ...(extra.responseUrl === undefined || extra.responseUrl.length > 500 ? {} : { u: extra.responseUrl }),
    ...(extra.approvalNote === undefined ? {} : { a: clipMrkdwn(extra.approvalNote, APPROVAL_NOTE_MAX) }),
  };
}
