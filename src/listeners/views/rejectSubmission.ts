// An approver submits a rejection reason: the form closes at once; the decision is made after, and
// the approver is told the result (or that someone decided first) where they clicked.
import type { Services } from '../../services/index.js';
import { REJECT_BLOCK } from '../../views/ids.js';
import { message } from '../../views/message.js';
import { decodeRejectMeta, readRejectReason, REJECT_REASON } from '../../views/rejectModal.js';
import { tenantOf } from '../tenant.js';
import { type SubmissionArgs } from '../types.js';

export async function rejectSubmission(args: SubmissionArgs, services: Services): Promise<void> {
  const { ack, body, view, client } = args;
  const meta = decodeRejectMeta(view.private_metadata);
  const reason = readRejectReason(view.state.values);
  if (meta === undefined) {
    await ack({ response_action: 'errors', errors: { [REJECT_BLOCK.reason]: 'This form is out of date; click Reject on the card again.' } });
    return;
  }
  if (reason.length < REJECT_REASON.min) {
    await ack({ response_action: 'errors', errors: { [REJECT_BLOCK.reason]: 'Say why, so the requester can fix it (at least a few words).' } });
    return;
  }
  await ack({ response_action: 'clear' });
  const approver = { ...tenantOf(args), userId: body.user.id, responseUrl: meta.u };
  services.background.run(
    'reject',
    async () => {
      const reply = await services.approvals.reject(meta.id, approver.userId, approver.teamId, reason.slice(0, REJECT_REASON.max), client);
      await services.notifier.tell(approver, message(reply.text));
    },
    { requestId: meta.id, teamId: approver.teamId },
    // Not in any row until it runs: ahead of imports and refreshes in a backlog.
    'decision',
  );
}
