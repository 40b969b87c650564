// An approver submits a rejection reason: the form closes at once; the decision is made after, and
// the approver is told the result (or that someone decided first) where they clicked.
import type { Services } from '../../services/index.js';
import { message } from '../../views/message.js';
import { REJECT_BLOCK } from '../../views/ids.js';
import type { StateValues } from '../../views/importModal.js';
import { decodeRejectMeta } from '../actions/requestButtons.js';
import { teamOf, type SubmissionArgs } from '../types.js';

export async function rejectSubmission(args: SubmissionArgs, services: Services): Promise<void> {
  const { ack, body, view, client } = args;
  const meta = decodeRejectMeta(view.private_metadata);
  const reason = ((view.state.values as StateValues)[REJECT_BLOCK.reason]?.['value']?.value ?? '').trim();
  if (meta === undefined) {
    await ack({ response_action: 'errors', errors: { [REJECT_BLOCK.reason]: 'This form is out of date; click Reject on the card again.' } });
    return;
  }
  if (reason.length < 3) {
    await ack({ response_action: 'errors', errors: { [REJECT_BLOCK.reason]: 'Say why, so the requester can fix it (at least a few words).' } });
    return;
  }
  await ack({ response_action: 'clear' });
  const userId = body.user.id;
  services.background.run(
    'reject',
    async () => {
      const reply = await services.approvals.reject(meta.id, userId, teamOf(body), reason.slice(0, 1000), client);
      await services.notifier.tell({ teamId: teamOf(body), userId, responseUrl: meta.u }, message(reply.text));
    },
    { requestId: meta.id },
  );
}
