// `/simplismart nodes <pasted kubectl output>`: the preflight alone — the node groups the pasted nodes
// make, what each would become, and the findings with their commands — told to the person only. The
// router has acked; the paste is read by the pure domain (nothing is stored, sent or logged) and the
// answer goes back through the command's response_url. The "Fill from my nodes" form and the file
// carrier, which keep a note in the import's thread and the audit trail, are other surfaces.
import { proposeNodeGroups } from '../../domain/nodes/proposal.js';
import type { Services } from '../../services/index.js';
import { nodeProposalMessage, nodeRefusalMessage, nodesUsageMessage } from '../../views/nodeProposalMessage.js';
import { commanderOf, type CommandArgs } from '../types.js';

export async function nodesCommand(args: CommandArgs, services: Services, rest: string): Promise<void> {
  const tell = services.notifier.to(commanderOf(args));
  if (rest.trim() === '') {
    await tell(nodesUsageMessage());
    return;
  }
  // No workspace data: the command names no cluster, so no existing group is left out of the proposal.
  const proposal = proposeNodeGroups([rest]);
  await tell(proposal.ok ? nodeProposalMessage(proposal) : nodeRefusalMessage(proposal));
}
