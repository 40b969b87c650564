// The reject form an approver fills: why the import is refused. Its metadata — which request, and where
// the approver clicked (to answer there) — is written and read here, nowhere else.
import type { ModalView } from '@slack/types';
import { z } from 'zod';
import type { ImportRequest } from '../domain/importRequest.js';
import { plain, section, SLACK_LIMITS, textInput, userMention } from './blocks.js';
import { CALLBACK, INPUT_ACTION, REJECT_BLOCK } from './ids.js';
import { ModalState, type ViewStateValues } from './modalState.js';
import { wordsOf } from './requestKinds.js';

export const REJECT_REASON = { min: 3, max: 1000 } as const;

const rejectMetaSchema = z.object({
  /** The request being rejected. */
  id: z.string().max(40),
  /** The response_url of the card's click, to tell the approver the result where they clicked. */
  u: z.string().max(500).optional(),
});
export type RejectMeta = z.infer<typeof rejectMetaSchema>;

/** The form, carrying the request and (when it fits) where the approver clicked. */
export function rejectModal(request: ImportRequest, responseUrl?: string): ModalView {
  const words = wordsOf(request);
  const meta: RejectMeta = { id: request.id, ...(responseUrl === undefined || responseUrl.length > 500 ? {} : { u: responseUrl }) };
  return {
    type: 'modal',
    callback_id: CALLBACK.rejectModal,
    private_metadata: JSON.stringify(meta),
    title: plain(`Reject ${words.noun}`, SLACK_LIMITS.modalTitle),
    submit: plain('Reject', SLACK_LIMITS.modalButton),
    close: plain('Back', SLACK_LIMITS.modalButton),
    blocks: [
      section(`Reject ${userMention(request.requesterId)}’s ${words.nounPhrase(words.summary(request))}?`),
      textInput({
        blockId: REJECT_BLOCK.reason,
        actionId: INPUT_ACTION,
        label: 'Reason',
        hint: 'Shown to the requester and in the thread, so they can fix it and submit again.',
        multiline: true,
        minLength: REJECT_REASON.min,
        maxLength: REJECT_REASON.max,
        placeholder: 'e.g. Use SPOT capacity for the gpu-pool',
      }),
    ],
  };
}

/** Undefined for metadata this bot did not write (an old form, a forged payload). */
export function decodeRejectMeta(raw: string | undefined): RejectMeta | undefined {
  try {
    const parsed = rejectMetaSchema.safeParse(JSON.parse(raw ?? ''));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The reason as typed, trimmed. */
export function readRejectReason(values: ViewStateValues): string {
  return new ModalState(values).text(REJECT_BLOCK.reason).trim();
}
