// The import form's private_metadata: what the form carries between updates and to its submission —
// the channel, the node-group editor's slots, the request it edits, where to reach the person, the
// approval note — written, checked and read here.
import { z } from 'zod';
import type { ImportForm } from '../domain/importForm.js';
import { clipMrkdwn } from './blocks.js';
import { decodeEditorMeta, nodeGroupSlotsShape, slotsOf, unusableEditorMeta } from './nodeGroupEditor.js';

/** The import form's fields that offer named values (see references.ts) besides a typed UUID. */
export const NAMED_FIELDS = ['hostedZone', 'secretId'] as const;
export type NamedField = (typeof NAMED_FIELDS)[number];

/** The approval note shown on top of the form, kept in its metadata (whose room is 3000 in all). */
export const APPROVAL_NOTE_MAX = 600;

const metaSchema = z.object({
  /** The channel the command ran in: where the notification thread goes. */
  c: z.string().max(30),
  ...nodeGroupSlotsShape,
  /** The request this form edits, if any. */
  r: z.string().max(40).optional(),
  /** The command's response_url, to reach the person if the channel is closed to the bot. */
  u: z.string().max(500).optional(),
  /** The approval note shown on top, kept so that form updates need no policy lookup. */
  a: z.string().max(APPROVAL_NOTE_MAX).optional(),
  /** 1 once "More settings" (avatar, default node config, cluster tools) was opened. */
  x: z.literal(1).optional(),
  /** The named fields whose menu says "Other (UUID)…": their typed input shows even while empty. */
  o: z.array(z.enum(NAMED_FIELDS)).max(NAMED_FIELDS.length).optional(),
});
export type ImportModalMeta = z.infer<typeof metaSchema>;

export function encodeMeta(meta: ImportModalMeta): string {
  return JSON.stringify(meta);
}

/** Undefined for metadata this bot did not write (or a forged payload). */
export function decodeMeta(raw: string | undefined): ImportModalMeta | undefined {
  return decodeEditorMeta(metaSchema, raw);
}

/** What to tell the person whose import form carries metadata this bot could not have written. */
export function unusableMetaMessage(raw: string | undefined): string {
  return unusableEditorMeta(raw, '/simplismart import');
}

export function metaFor(
  form: ImportForm,
  channelId: string,
  extra: { replacesId?: string; responseUrl?: string; approvalNote?: string } = {},
): ImportModalMeta {
  return {
    c: channelId,
    ...slotsOf(form.nodeGroups),
    ...(extra.replacesId === undefined ? {} : { r: extra.replacesId }),
    ...(extra.responseUrl === undefined || extra.responseUrl.length > 500 ? {} : { u: extra.responseUrl }),
    ...(extra.approvalNote === undefined ? {} : { a: clipMrkdwn(extra.approvalNote, APPROVAL_NOTE_MAX) }),
  };
}

/** Opens the "More settings" part of the form. */
export function withMoreSettings(form: ImportForm, meta: ImportModalMeta): { form: ImportForm; meta: ImportModalMeta } {
  return { form, meta: { ...meta, x: 1 } };
}
