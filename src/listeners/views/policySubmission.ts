// The approval policy form is submitted by an admin: checked, stored, confirmed.
import type { Services } from '../../services/index.js';
import { isWorkspaceAdmin } from '../../services/slackDirectory.js';
import { POLICY_BLOCK } from '../../views/ids.js';
import { policySavedModal, readPolicyForm } from '../../views/policyModal.js';
import { teamOf, type SubmissionArgs } from '../types.js';

export async function policySubmission(args: SubmissionArgs, services: Services): Promise<void> {
  const { ack, body, view, client } = args;
  const form = readPolicyForm(view.state.values);
  if (!form.ok) {
    await ack({ response_action: 'errors', errors: form.errors });
    return;
  }
  if (!(await isWorkspaceAdmin(client, body.user.id))) {
    await ack({ response_action: 'errors', errors: { [POLICY_BLOCK.required]: 'Only Slack workspace admins and owners can change the approval policy.' } });
    return;
  }
  // A store outage reaches reportErrorsToPeople, which says so under the form's first field.
  await services.policies.save(teamOf(body), form.policy, body.user.id, services.clock.now());
  services.logger.info({ teamId: teamOf(body), by: body.user.id, required: form.policy.required }, 'approval policy saved');
  await ack({ response_action: 'update', view: policySavedModal(form.policy) });
}
