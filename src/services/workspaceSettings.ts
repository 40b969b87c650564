// What a form or a submission needs to know about its workspace before the ack — is it connected, the
// approval policy in force, its named references — read in one round trip and handed on, instead of
// one read per question (a database in another zone makes each ~10 ms of Slack's 3 seconds). Read
// fresh every time: a cache would let a submission pass under a policy an admin just tightened on
// another replica.
import { DEFAULT_POLICY, type ApprovalPolicy } from '../domain/approvalPolicy.js';
import type { StoredReference } from '../domain/references.js';
import type { WorkspaceConnection } from '../domain/workspaceConnection.js';
import type { Store } from '../store/store.js';

export interface WorkspaceSettings {
  /** The workspace's own connection (its token still encrypted), or undefined. */
  connection: WorkspaceConnection | undefined;
  /** The policy in force: the saved one, or the default. */
  policy: ApprovalPolicy;
  /** The workspace's named references; empty unless asked for. */
  references: StoredReference[];
}

export class WorkspaceSettingsReader {
  constructor(private readonly store: Store) {}

  async read(teamId: string, options: { references: boolean }): Promise<WorkspaceSettings> {
    const read = await this.store.getWorkspaceSettings(teamId, options.references);
    return { connection: read.connection, policy: read.policy ?? DEFAULT_POLICY, references: read.references };
  }
}
