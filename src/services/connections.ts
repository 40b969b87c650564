// Which Simplismart token and org a workspace's requests use: its own connection (token decrypted
// only when needed) or the single-workspace fallback from the environment; and connecting/disconnecting.
import type { Workspace } from '../domain/workspace.js';
import { inspectToken, maskToken, type WorkspaceConnection } from '../domain/workspaceConnection.js';
import type { SecretScrubber } from '../process/logger.js';
import type { TokenCipher } from '../secrets/tokenCipher.js';
import type { Store } from '../store/store.js';

export interface Credentials {
  token: string;
  orgId: string;
  defaultHostedZone: string | null;
  defaultSecretId: string | null;
  source: 'workspace' | 'fallback';
}

export interface ConnectInput {
  token: string;
  orgId: string;
  defaultHostedZone: string | null;
  defaultSecretId: string | null;
}

export class Connections {
  constructor(
    private readonly store: Store,
    private readonly cipher: TokenCipher,
    private readonly fallback: { token: string; orgId: string } | undefined,
    private readonly scrubber: SecretScrubber,
  ) {}

  /** The workspace's own connection (its token stays encrypted), or undefined. */
  current(teamId: string): Promise<WorkspaceConnection | undefined> {
    return this.store.getConnection(teamId);
  }

  /** Undefined when the workspace has no connection and there is no fallback. */
  async credentialsFor(teamId: string): Promise<Credentials | undefined> {
    const connection = await this.store.getConnection(teamId);
    if (connection !== undefined) {
      const token = this.cipher.decrypt(connection.tokenCiphertext, teamId);
      // From here on the token exists in memory in clear; make sure no log line can ever carry it.
      this.scrubber.add(token);
      return {
        token,
        orgId: connection.orgId,
        defaultHostedZone: connection.defaultHostedZone,
        defaultSecretId: connection.defaultSecretId,
        source: 'workspace',
      };
    }
    if (this.fallback !== undefined) {
      return { token: this.fallback.token, orgId: this.fallback.orgId, defaultHostedZone: null, defaultSecretId: null, source: 'fallback' };
    }
    return undefined;
  }

  /** What the import form starts from; undefined when imports cannot be sent for this workspace. */
  async formDefaults(teamId: string): Promise<{ orgId: string; hostedZone: string | null; secretId: string | null } | undefined> {
    return this.defaultsOf(await this.store.getConnection(teamId));
  }

  /** formDefaults from a connection the caller read already (see WorkspaceSettingsReader). */
  defaultsOf(connection: WorkspaceConnection | undefined): { orgId: string; hostedZone: string | null; secretId: string | null } | undefined {
    if (connection !== undefined) {
      return { orgId: connection.orgId, hostedZone: connection.defaultHostedZone, secretId: connection.defaultSecretId };
    }
    return this.fallback === undefined ? undefined : { orgId: this.fallback.orgId, hostedZone: null, secretId: null };
  }

  /** Whether imports can be sent for this workspace, without decrypting anything. */
  async isConnected(teamId: string): Promise<boolean> {
    return this.fallback !== undefined || (await this.store.getConnection(teamId)) !== undefined;
  }

  /** isConnected from a connection the caller read already (see WorkspaceSettingsReader). */
  connectedWith(connection: WorkspaceConnection | undefined): boolean {
    return this.fallback !== undefined || connection !== undefined;
  }

  async connect(workspace: Workspace, input: ConnectInput, connectedBy: string, at: number): Promise<WorkspaceConnection> {
    const { teamId } = workspace;
    const inspection = inspectToken(input.token);
    if (!inspection.ok) throw new Error(`connect() needs a checked token: ${inspection.problem}`);
    const token = input.token.trim();
    this.scrubber.add(token);
    const connection: WorkspaceConnection = {
      teamId,
      enterpriseId: workspace.enterpriseId,
      tokenCiphertext: this.cipher.encrypt(token, teamId),
      tokenHint: maskToken(token),
      tokenExpiresAt: inspection.expiresAt,
      orgId: input.orgId,
      defaultHostedZone: input.defaultHostedZone,
      defaultSecretId: input.defaultSecretId,
      connectedBy,
      connectedAt: at,
    };
    await this.store.saveConnection(connection);
    return connection;
  }

  async disconnect(teamId: string): Promise<boolean> {
    return this.store.deleteConnection(teamId);
  }

  async describe(teamId: string): Promise<{ connection: WorkspaceConnection | undefined; fallback: { orgId: string; tokenHint: string; expiresAt: number | null } | undefined }> {
    const connection = await this.store.getConnection(teamId);
    const fallback =
      this.fallback === undefined
        ? undefined
        : (() => {
            const inspection = inspectToken(this.fallback.token);
            return {
              orgId: this.fallback.orgId,
              tokenHint: maskToken(this.fallback.token),
              expiresAt: inspection.ok ? inspection.expiresAt : null,
            };
          })();
    return { connection, fallback };
  }
}
