// `/simplismart history [request id]`: recent requests, or one request's full audit trail.
import { REQUEST_ID_PATTERN } from '../../domain/requestId.js';
import type { Services } from '../../services/index.js';
import { code } from '../../views/blocks.js';
import { auditMessage, historyMessage } from '../../views/commandReplies.js';
import { message } from '../../views/message.js';
import { commanderOf, type CommandArgs } from '../types.js';
import { tenantOf } from '../tenant.js';

export const HISTORY_LIMIT = 15;

export async function historyCommand(args: CommandArgs, services: Services, rest: string): Promise<void> {
  const tell = services.notifier.to(commanderOf(args));
  const { teamId } = tenantOf(args);
  const id = rest.trim().toLowerCase();
  if (id === '') {
    await tell(historyMessage(await services.requests.recent(teamId, HISTORY_LIMIT)));
    return;
  }
  const found = REQUEST_ID_PATTERN.test(id) ? await services.requests.trail(id, teamId) : undefined;
  if (found === undefined) {
    await tell(message(`No request ${code(id.slice(0, 40))} in this workspace. \`/simplismart history\` lists recent ones (ids look like \`ir-7k2m9x4q\`).`));
    return;
  }
  await tell(auditMessage(found.request, found.events));
}
