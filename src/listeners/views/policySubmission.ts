// The approval policy form is submitted by an admin: checked, stored, confirmed.
import type { Services } from '../../services/index.js';
import { POLICY_BLOCK } from '../../views/ids.js';
import { policySavedModal, readPolicyForm } from '../../views/policyModal.js';
import { submittedByAdmin } from '../admins.js';
import { tenantOf } from '../tenant.js';
import { type SubmissionArgs } from '../types.js';

export async function policySubmission(args: SubmissionArgs, services: Services): Promise<void> {
  const { ack, body, view } = args;
  if (services.decisions.file !== undefined) {
    // A form opened before the bot was pointed at a policy file: the file pins the policy now.
    await ack({ response_action: 'errors', errors: { [POLICY_BLOCK.required]: `The approval policy now comes from the policy file ${services.decisions.file.path}: it is changed there (in git), not here.` } });
    return;
  }
  const form = await submittedByAdmin(args, readPolicyForm(view.state.values), { blockId: POLICY_BLOCK.required, what: 'change the approval policy' });
  if (form === undefined) return;
  // A store outage reaches reportErrorsToPeople, which says so under the form's first field.
  const workspace = tenantOf(args);
  await services.policies.save(workspace.teamId, form.policy, body.user.id, services.clock.now());
  services.logger.info({ teamId: workspace.teamId, by: body.user.id, required: form.policy.required }, 'approval policy saved');
  await ack({ response_action: 'update', view: policySavedModal(form.policy) });
  services.home.refreshFor(workspace, body.user.id);
}
