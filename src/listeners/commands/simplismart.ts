// `/simplismart <subcommand>`: acks at once and hands each subcommand to its handler.
import { parseCommand } from '../../domain/commandText.js';
import type { Services } from '../../services/index.js';
import { helpMessage } from '../../views/commandReplies.js';
import type { CommandArgs } from '../types.js';
import { approvalsCommand } from './approvalsCommand.js';
import { clustersCommand } from './clustersCommand.js';
import { connectCommand, disconnectCommand, statusCommand } from './connectionCommands.js';
import { historyCommand } from './historyCommand.js';
import { importCommand } from './importCommand.js';
import { nodeGroupsCommand } from './nodeGroupsCommand.js';
import { nodesCommand } from './nodesCommand.js';
import { policyCommand } from './policyCommand.js';
import { referencesCommand } from './referencesCommand.js';

type Handler = (args: CommandArgs, services: Services, rest: string) => Promise<void>;

// A Map, not an object literal: the subcommand is whatever was typed, and `/simplismart constructor`
// must find no handler rather than Object's constructor.
const HANDLERS: ReadonlyMap<string, Handler> = new Map([
  ['import', importCommand],
  ['connect', connectCommand],
  ['disconnect', disconnectCommand],
  ['status', statusCommand],
  ['approvals', approvalsCommand],
  ['history', historyCommand],
  ['nodegroups', nodeGroupsCommand],
  ['nodes', nodesCommand],
  ['clusters', clustersCommand],
  ['references', referencesCommand],
  ['policy', policyCommand],
]);

/** Every subcommand people can type (help included): what the help and the manifest's usage hint name. */
export const SUBCOMMANDS: readonly string[] = [...HANDLERS.keys(), 'help'];

export async function simplismartCommand(args: CommandArgs, services: Services): Promise<void> {
  const { subcommand, rest } = parseCommand(args.command.text);
  const handler = HANDLERS.get(subcommand);
  if (handler === undefined) {
    // Help needs nothing but the text, so it rides on the ack itself.
    const help = helpMessage(subcommand === '' || subcommand === 'help' ? undefined : subcommand);
    await args.ack({ response_type: 'ephemeral', text: help.text, blocks: help.blocks });
    return;
  }
  await args.ack();
  await handler(args, services, rest);
}
