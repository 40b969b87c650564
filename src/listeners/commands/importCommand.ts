// `/simplismart import [key=value …]`: opens the import form, pre-filled from the workspace's
// connection and the command's text — or says why it cannot (no token, no possible approver).
import { applyPrefill, describePrefill, parseImportArgs } from '../../domain/commandText.js';
import { emptyForm } from '../../domain/importForm.js';
import type { Services } from '../../services/index.js';
import { connectedDefaults, openImportForm } from '../requestForms.js';
import { commanderOf, openingOf, type CommandArgs } from '../types.js';

export async function importCommand(args: CommandArgs, services: Services, rest: string): Promise<void> {
  const { command } = args;
  const tell = services.notifier.to(commanderOf(command));
  const defaults = await connectedDefaults(services, command.team_id, tell);
  if (defaults === undefined) return;
  const prefill = parseImportArgs(rest);
  const base = { ...emptyForm(), org: defaults.orgId, hostedZone: defaults.hostedZone ?? '', secretId: defaults.secretId ?? '' };
  await openImportForm(openingOf(args, tell), services, applyPrefill(base, prefill), { notes: describePrefill(prefill) });
}
