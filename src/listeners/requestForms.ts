// Opening the two forms that send requests, whatever opened them (a command, a button, the App Home, a
// shortcut) and with that workspace's own bot token: the import form (offering the workspace's named
// hosted zones, secrets and tools) and the node-groups form (offering its clusters). Both first ask the
// approval policy whether this person's request could ever pass.
import type { ApprovalPolicy } from '../domain/approvalPolicy.js';
import { buildImportBody, type ImportForm } from '../domain/importForm.js';
import type { NodeGroupsForm } from '../domain/nodeGroupsForm.js';
import { withToolChoices } from '../domain/references.js';
import type { RequestKind } from '../domain/requestKinds.js';
import type { WorkspaceCluster } from '../domain/workspaceCluster.js';
import type { Services } from '../services/index.js';
import type { WorkspaceSettings } from '../services/workspaceSettings.js';
import { notConnectedMessage } from '../views/commandReplies.js';
import { renderImportModal } from '../views/importModal.js';
import { metaFor } from '../views/importModalMeta.js';
import { message } from '../views/message.js';
import { nodeGroupsMetaFor, renderNodeGroupsModal } from '../views/nodeGroupsModal.js';
import { openModal } from './openModal.js';
import type { FormOpening, Invocation } from './types.js';

/** What the form starts with besides its fields: the request it edits, notes shown on top. */
export interface FormStart {
  replacesId?: string;
  notes?: readonly string[];
  /**
   * The workspace's settings, when the caller read them already (one read instead of one per question);
   * the import form's must have been read with its references.
   */
  settings?: WorkspaceSettings;
  /** The node-groups form's clusters, when the caller listed them already. */
  clusters?: WorkspaceCluster[];
}

/** What a new form starts from (the org, the default hosted zone and secret), or undefined once the person was told the workspace is not connected. */
export async function connectedDefaults(
  asked: Invocation,
  services: Services,
  settings?: WorkspaceSettings,
): Promise<{ orgId: string; hostedZone: string | null; secretId: string | null } | undefined> {
  const defaults = settings === undefined ? await services.connections.formDefaults(asked.workspace.teamId) : services.connections.defaultsOf(settings.connection);
  if (defaults === undefined) await asked.tell(notConnectedMessage());
  return defaults;
}

/** The approval note of a `kind` form for this person, or undefined when they were told why they cannot send one. */
async function approvalNote(opening: FormOpening, services: Services, kind: RequestKind, inForce?: ApprovalPolicy): Promise<{ note: string | undefined } | undefined> {
  const gate = await services.policies.gate(opening.client, opening.workspace.teamId, opening.userId, kind, inForce);
  if (gate.kind === 'blocked') {
    await opening.tell(message(`:lock: ${gate.reason}`));
    return undefined;
  }
  return { note: gate.kind === 'approval' ? gate.note : undefined };
}

function extra(opening: FormOpening, start: FormStart, note: string | undefined) {
  return {
    ...(start.replacesId === undefined ? {} : { replacesId: start.replacesId }),
    ...(opening.responseUrl === undefined ? {} : { responseUrl: opening.responseUrl }),
    ...(note === undefined ? {} : { approvalNote: note }),
  };
}

export async function openImportForm(opening: FormOpening, services: Services, form: ImportForm, start: FormStart = {}): Promise<void> {
  // The policy and the references in one read (the connection comes along).
  const settings = start.settings ?? (await services.settings.read(opening.workspace.teamId, { references: true }));
  const approval = await approvalNote(opening, services, 'import_cluster', settings.policy);
  if (approval === undefined) return;
  const { references } = settings;
  const named = withToolChoices(form, references);
  const meta = metaFor(named, opening.channelId, extra(opening, start, approval.note));
  const notes = [...(start.notes ?? []), ...(await policyNote(opening, services, named))];
  await openModal(opening.client, opening.triggerId, renderImportModal(named, meta, notes, references), opening.tell);
}

export async function openNodeGroupsForm(opening: FormOpening, services: Services, form: NodeGroupsForm, start: FormStart = {}): Promise<void> {
  const approval = await approvalNote(opening, services, 'add_node_groups', start.settings?.policy);
  if (approval === undefined) return;
  const clusters = start.clusters ?? (await services.clusters.list(opening.workspace.teamId));
  const meta = nodeGroupsMetaFor(form, opening.channelId, extra(opening, start, approval.note));
  const notes = [...(start.notes ?? []), ...(await policyNote(opening, services))];
  await openModal(opening.client, opening.triggerId, renderNodeGroupsModal(form, meta, clusters, notes), opening.tell);
}

/** With a policy file: the rule a pre-filled import form would meet, or that it decides as the form fills in. */
async function policyNote(opening: FormOpening, services: Services, form?: ImportForm): Promise<string[]> {
  if (services.decisions.file === undefined) return [];
  const built = form === undefined ? undefined : buildImportBody(form);
  const question = built?.ok === true ? { kind: 'import_cluster' as const, body: built.body, ...opening.workspace, userId: opening.userId, channelId: opening.channelId } : undefined;
  const note = await services.decisions.previewNote(question);
  return note === undefined ? [] : [note];
}
