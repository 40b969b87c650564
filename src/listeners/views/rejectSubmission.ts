// An approver submits a rejection reason: the form closes at once; the decision is made after (a job,
// see services/jobs.ts), and the approver is told the result (or that someone decided first) where
// they clicked.
import type { Services } from '../../services/index.js';
import { REJECT_BLOCK } from '../../views/ids.js';
import { decodeRejectMeta, readRejectReason, REJECT_REASON } from '../../views/rejectModal.js';
import { tenantOf } from '../tenant.js';
import { type SubmissionArgs } from '../types.js';

export async function rejectSubmission(args: SubmissionArgs, services: Services): Promise<void> {
  const { ack, body, view } = args;
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
  const { teamId, enterpriseId } = tenantOf(args);
  // The decision is made after the ack, where post-ack work runs; the approver is told the result there.
  services.jobs.submit({ job: 'reject', requestId: meta.id, reason: reason.slice(0, REJECT_REASON.max), approver: { teamId, enterpriseId, userId: body.user.id, responseUrl: meta.u } });
}
