// The global shortcut "Import a cluster": the same form as `/simplismart import`, from anywhere in
// Slack. A global shortcut belongs to no channel, so the import's thread goes to the person's DM with
// the app (the form says so).
import type { Services } from '../../services/index.js';
import { THREAD_IN_DM_NOTE } from '../../views/home.js';
import { openNewImportForm } from '../commands/importCommand.js';
import { fromShortcut, type ShortcutArgs } from '../types.js';

export async function importShortcut(args: ShortcutArgs, services: Services): Promise<void> {
  await args.ack();
  await openNewImportForm({ ...fromShortcut(args, services), channelId: args.body.user.id }, services, '', [THREAD_IN_DM_NOTE]);
}
