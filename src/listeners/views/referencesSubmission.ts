// The references form is submitted by an admin: every line checked (errors under their field), then the
// workspace's names replaced as a whole. Stored requests keep their UUIDs.
import { parseReferences, type NamedReference } from '../../domain/references.js';
import type { Services } from '../../services/index.js';
import { REFERENCES_BLOCK } from '../../views/ids.js';
import { readReferencesForm, REFERENCES_TEXT_BLOCK, referencesSavedModal } from '../../views/referencesModal.js';
import { submittedByAdmin, type FormReading } from '../admins.js';
import { tenantOf } from '../tenant.js';
import { type SubmissionArgs } from '../types.js';

export async function referencesSubmission(args: SubmissionArgs, services: Services): Promise<void> {
  const { ack, body, view } = args;
  const parsed = parseReferences(readReferencesForm(view.state.values));
  const reading: FormReading<{ references: NamedReference[] }> = parsed.ok
    ? parsed
    : { ok: false, errors: Object.fromEntries(Object.entries(parsed.errors).map(([field, text]) => [REFERENCES_TEXT_BLOCK[field as keyof typeof REFERENCES_TEXT_BLOCK], text])) };
  const form = await submittedByAdmin(args, reading, { blockId: REFERENCES_BLOCK.hostedZones, what: 'name hosted zones, secrets and tool catalogs' });
  if (form === undefined) return;
  // A store outage reaches reportErrorsToPeople, which says so under the form's first field.
  await services.references.replace(tenantOf(args).teamId, form.references, body.user.id, services.clock.now());
  services.logger.info({ teamId: tenantOf(args).teamId, by: body.user.id, count: form.references.length }, 'named references saved');
  await ack({ response_action: 'update', view: referencesSavedModal(form.references) });
}
