// The App Home's own buttons: Import a cluster (the import form, its thread in the person's DM) and,
// for admins, Connect, Disconnect and Approval policy — each exactly what its command does. The
// requests' Approve / Reject… buttons on Home are the card's own (requestButtons.ts).
import type { Services } from '../../services/index.js';
import { THREAD_IN_DM_NOTE } from '../../views/home.js';
import { showOrEditPolicy } from '../commands/approvalsCommand.js';
import { disconnectWorkspace, openConnectForm } from '../commands/connectionCommands.js';
import { openNewImportForm } from '../commands/importCommand.js';
import { fromButton, type ButtonArgs } from '../types.js';

export async function homeImport(args: ButtonArgs, services: Services): Promise<void> {
  await args.ack();
  // Outside any channel, the thread goes where only the app and the person are: their DM with the app.
  await openNewImportForm({ ...fromButton(args, services), channelId: args.body.user.id }, services, '', [THREAD_IN_DM_NOTE]);
}

export async function homeConnect(args: ButtonArgs, services: Services): Promise<void> {
  await args.ack();
  await openConnectForm(fromButton(args, services), services);
}

export async function homeDisconnect(args: ButtonArgs, services: Services): Promise<void> {
  await args.ack();
  await disconnectWorkspace(fromButton(args, services), services);
}

export async function homePolicy(args: ButtonArgs, services: Services): Promise<void> {
  await args.ack();
  await showOrEditPolicy(fromButton(args, services), services);
}
