// The import form's private_metadata: what every request form carries (requestFormMeta.ts) and its
// own — More settings opened, the named fields whose menu says "Other" — written, checked and read here.
import { z } from 'zod';
import type { ImportForm } from '../domain/importForm.js';
import { decodeEditorMeta, unusableEditorMeta } from './nodeGroupEditor.js';
import { requestFormMetaFor, requestFormMetaShape, type RequestFormExtra } from './requestFormMeta.js';

/** The import form's fields that offer named values (see references.ts) besides a typed UUID. */
export const NAMED_FIELDS = ['hostedZone', 'secretId'] as const;
export type NamedField = (typeof NAMED_FIELDS)[number];

const metaSchema = z.object({
  ...requestFormMetaShape,
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

export function metaFor(form: ImportForm, channelId: string, extra: RequestFormExtra = {}): ImportModalMeta {
  return requestFormMetaFor(form, channelId, extra);
}

/** Opens the "More settings" part of the form. */
export function withMoreSettings(form: ImportForm, meta: ImportModalMeta): { form: ImportForm; meta: ImportModalMeta } {
  return { form, meta: { ...meta, x: 1 } };
}
