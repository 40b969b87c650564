// `/simplismart import [key=value …]`: opens the import form, pre-filled from the workspace's
// connection and the command's text — or says why it cannot (no token, no possible approver). The App
// Home's Import button and the Import shortcut open the same new form.
import { applyPrefill, describePrefill, parseImportArgs } from '../../domain/commandText.js';
import { emptyForm } from '../../domain/importForm.js';
import type { Services } from '../../services/index.js';
import { connectedDefaults, openImportForm } from '../requestForms.js';
import { openingOf, type CommandArgs, type FormOpening } from '../types.js';

export function importCommand(args: CommandArgs, services: Services, rest: string): Promise<void> {
  return openNewImportForm(openingOf(args, services), services, rest);
}

/** A new import form: the workspace's defaults, `text` pre-filling it as the command's does, `notes` shown on top. */
export async function openNewImportForm(opening: FormOpening, services: Services, text: string, notes: readonly string[] = []): Promise<void> {
  // One read before the modal opens: the connection, the approval policy and the named references.
  const settings = await services.settings.read(opening.workspace.teamId, { references: true });
  const defaults = await connectedDefaults(opening, services, settings);
  if (defaults === undefined) return;
  const prefill = parseImportArgs(text);
  const base = { ...emptyForm(), org: defaults.orgId, hostedZone: defaults.hostedZone ?? '', secretId: defaults.secretId ?? '' };
  await openImportForm(opening, services, applyPrefill(base, prefill), { notes: [...notes, ...describePrefill(prefill)], settings });
}
