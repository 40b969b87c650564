// `/simplismart connect | disconnect | status`: a workspace's Simplismart token, managed by admins.
import type { Services } from '../../services/index.js';
import { statusMessage } from '../../views/commandReplies.js';
import { connectModal } from '../../views/connectModal.js';
import { message } from '../../views/message.js';
import { forAdmin } from '../admins.js';
import { openModal } from '../openModal.js';
import { commanderOf, type CommandArgs } from '../types.js';

export async function connectCommand(args: CommandArgs, services: Services): Promise<void> {
  const tell = await forAdmin(args, services, 'connect this workspace to Simplismart');
  if (tell === undefined) return;
  const existing = await services.connections.current(args.command.team_id);
  await openModal(args.client, args.command.trigger_id, connectModal(existing), tell);
}

export async function disconnectCommand(args: CommandArgs, services: Services): Promise<void> {
  const tell = await forAdmin(args, services, 'disconnect this workspace from Simplismart');
  if (tell === undefined) return;
  const removed = await services.connections.disconnect(args.command.team_id);
  const fallback = services.config.simplismart.fallback !== undefined;
  await tell(
    message(
      removed
        ? `:electric_plug: Disconnected: the workspace’s Simplismart token is deleted.${fallback ? ' Imports now use the bot’s own SIMPLISMART_TOKEN.' : ' Imports are off until an admin runs `/simplismart connect` again.'}`
        : `This workspace had no token of its own to remove.${fallback ? ' Imports use the bot’s own SIMPLISMART_TOKEN, set by whoever runs the bot.' : ''}`,
    ),
  );
}

export async function statusCommand(args: CommandArgs, services: Services): Promise<void> {
  const { connection, fallback } = await services.connections.describe(args.command.team_id);
  await services.notifier.tell(commanderOf(args.command), statusMessage({ connection, fallback, now: services.clock.now() }));
}
