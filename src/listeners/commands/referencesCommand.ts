// `/simplismart references`: anyone reads the names the workspace gave its hosted zones, secrets and
// tool catalogs; admins get the form to change them.
import type { Services } from '../../services/index.js';
import { isWorkspaceAdmin } from '../../services/slackDirectory.js';
import { referencesMessage, referencesModal } from '../../views/referencesModal.js';
import { openModal } from '../openModal.js';
import { commanderOf, type CommandArgs } from '../types.js';
import { tenantOf } from '../tenant.js';

export async function referencesCommand(args: CommandArgs, services: Services): Promise<void> {
  const { command, client } = args;
  const tell = services.notifier.to(commanderOf(args));
  const [references, admin] = await Promise.all([services.references.list(tenantOf(args).teamId), isWorkspaceAdmin(client, command.user_id)]);
  if (!admin) {
    await tell(referencesMessage(references, false));
    return;
  }
  await openModal(client, command.trigger_id, referencesModal(references), tell);
}
