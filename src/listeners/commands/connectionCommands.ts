// `/simplismart connect | disconnect | status`: a workspace's Simplismart token, managed by admins. The
// App Home's Connect and Disconnect buttons do exactly what the commands do.
import type { Services } from '../../services/index.js';
import { statusMessage } from '../../views/commandReplies.js';
import { connectModal } from '../../views/connectModal.js';
import { message } from '../../views/message.js';
import { forAdmin } from '../admins.js';
import { openModal } from '../openModal.js';
import { commanderOf, fromCommand, type CommandArgs, type Invocation } from '../types.js';
import { tenantOf } from '../tenant.js';

export function connectCommand(args: CommandArgs, services: Services): Promise<void> {
  return openConnectForm(fromCommand(args, services), services);
}

export function disconnectCommand(args: CommandArgs, services: Services): Promise<void> {
  return disconnectWorkspace(fromCommand(args, services), services);
}

/** The connect form for an admin (pre-filled from the current connection); others are told why not. */
export async function openConnectForm(asked: Invocation, services: Services): Promise<void> {
  const tell = await forAdmin(asked, 'connect this workspace to Simplismart');
  if (tell === undefined) return;
  const existing = await services.connections.current(asked.workspace.teamId);
  await openModal(asked.client, asked.triggerId, connectModal(existing), tell);
}

/** Deletes the workspace's token when an admin asks; others are told why not. */
export async function disconnectWorkspace(asked: Invocation, services: Services): Promise<void> {
  const tell = await forAdmin(asked, 'disconnect this workspace from Simplismart');
  if (tell === undefined) return;
  const removed = await services.connections.disconnect(asked.workspace.teamId);
  const fallback = services.config.simplismart.fallback !== undefined;
  await tell(
    message(
      removed
        ? `:electric_plug: Disconnected: the workspace’s Simplismart token is deleted.${fallback ? ' Imports now use the bot’s own SIMPLISMART_TOKEN.' : ' Imports are off until an admin runs `/simplismart connect` again.'}`
        : `This workspace had no token of its own to remove.${fallback ? ' Imports use the bot’s own SIMPLISMART_TOKEN, set by whoever runs the bot.' : ''}`,
    ),
  );
  services.home.refreshFor(asked.workspace, asked.userId);
}

export async function statusCommand(args: CommandArgs, services: Services): Promise<void> {
  const { connection, fallback } = await services.connections.describe(tenantOf(args).teamId);
  await services.notifier.tell(commanderOf(args), statusMessage({ connection, fallback, now: services.clock.now() }));
}
