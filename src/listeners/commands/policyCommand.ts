// `/simplismart policy test`: the dry run in Slack — the policy file in force evaluated against this
// workspace's recent requests, each with the rule it would meet now and the one that decided it then;
// ephemeral, nothing stored or changed. (`npm run policy -- test FILE --request …` tries a file before it
// is deployed.)
import type { ImportRequest } from '../../domain/importRequest.js';
import { bodyOf } from '../../domain/requestKinds.js';
import type { Services } from '../../services/index.js';
import type { PolicyQuestion } from '../../services/requestPolicy.js';
import { message } from '../../views/message.js';
import { dryRunMessage, type DryRunRow } from '../../views/policyDryRun.js';
import { commanderOf, type CommandArgs } from '../types.js';
import { tenantOf } from '../tenant.js';

/** How many of the workspace's latest requests the dry run evaluates. */
export const DRY_RUN_LIMIT = 25;

export async function policyCommand(args: CommandArgs, services: Services, rest: string): Promise<void> {
  const tell = services.notifier.to(commanderOf(args));
  const file = services.decisions.file;
  if (rest.trim().toLowerCase() !== 'test') {
    await tell(message('`/simplismart policy test` evaluates the approval policy file against this workspace’s recent requests and shows which rule each would meet (only you see it). `/simplismart approvals` shows the rules.'));
    return;
  }
  if (file === undefined) {
    await tell(message(':information_source: No policy file is set (`POLICY_FILE`): the policy set in Slack decides (`/simplismart approvals`). Try a file before deploying it with `npm run policy -- test FILE --request REQUEST.json`.'));
    return;
  }
  const workspace = tenantOf(args);
  const requests = await services.requests.recent(workspace.teamId, DRY_RUN_LIMIT);
  const rows: DryRunRow[] = [];
  for (const request of requests) {
    const evaluation = await services.decisions.evaluate(questionOf(request));
    if (evaluation !== undefined) rows.push({ request, evaluation });
  }
  await tell(dryRunMessage(file.inForce, file.failure, rows));
}

/** A stored request asked again, as it was submitted (its frozen body, requester and channel). */
function questionOf(request: ImportRequest): PolicyQuestion {
  const who = { teamId: request.teamId, enterpriseId: request.enterpriseId, userId: request.requesterId, channelId: request.channelId };
  const asked = bodyOf(request);
  if (asked.kind === 'import_cluster') return { ...who, kind: 'import_cluster', body: asked.body };
  return { ...who, kind: 'add_node_groups', body: asked.body, cluster: request.cluster ?? { id: '', name: null, thread: null } };
}
