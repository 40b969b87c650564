// What installing in any workspace stores, on both engines: installations keyed by team or by org
// (round trip exact, a re-save replacing the whole row), and the InstallationStore over them (tokens only
// as ciphertexts bound to their installation and kind, an org-wide install found for its workspaces);
// connections and waiting requests by workspace or org (what an uninstall removes), one person's
// requests, who opened the Home tab, and install-link states used once — also when raced.
import type { Installation } from '@slack/oauth';
import type { SlackInstallation } from '../../src/domain/installation.js';
import type { WorkspaceConnection } from '../../src/domain/workspaceConnection.js';
import { SecretScrubber } from '../../src/process/logger.js';
import { TokenCipher } from '../../src/secrets/tokenCipher.js';
import { Installations, NotInstalledError } from '../../src/services/installations.js';
import type { NewImportRequest } from '../../src/store/store.js';
import { aNewRequest } from '../support/fixtures.js';
import { storeEngines, useMigratedStore } from '../support/storeEngines.js';

/** Beyond 2^31 on purpose: BIGINT columns must come back as exact numbers. */
const T0 = 1_900_000_000_000;
const KEY = Buffer.alloc(32, 9);

const engines = storeEngines('installs');

function anInstallation(overrides: Partial<SlackInstallation> = {}): SlackInstallation {
  return {
    key: 'team:T1',
    teamId: 'T1',
    teamName: 'Team One',
    enterpriseId: null,
    enterpriseName: null,
    enterpriseUrl: null,
    isEnterpriseInstall: false,
    appId: 'A1',
    bot: { id: 'B1', userId: 'U_BOT', scopes: ['commands', 'chat:write'], tokenCiphertext: 'v1:bot', refreshTokenCiphertext: 'v1:refresh', expiresAt: T0 + 43_200_000 },
    user: { id: 'U_INSTALLER', scopes: [], tokenCiphertext: null, refreshTokenCiphertext: null, expiresAt: null },
    savedAt: T0,
    generation: 'g1',
    ...overrides,
  };
}

/** A workspace's Simplismart connection, as stored. */
function aConnection(teamId: string, enterpriseId: string | null): WorkspaceConnection {
  return {
    teamId,
    enterpriseId,
    tokenCiphertext: 'v1:x',
    tokenHint: 'eyJh…abcd',
    tokenExpiresAt: null,
    orgId: 'org',
    defaultHostedZone: null,
    defaultSecretId: null,
    connectedBy: 'U_ADMIN',
    connectedAt: T0,
  };
}

/** What @slack/oauth hands storeInstallation after an install (seconds for expiry, as Slack gives them). */
function oauthInstallation(overrides: Partial<Installation> = {}): Installation {
  return {
    team: { id: 'T1', name: 'Team One' },
    enterprise: undefined,
    user: { id: 'U_INSTALLER', token: 'xoxp-user-token-1', refreshToken: 'xoxe-1-user-refresh-1', expiresAt: 1_950_000_000, scopes: ['search:read'] },
    bot: { id: 'B1', userId: 'U_BOT', token: 'xoxe.xoxb-1-bot-token-1', refreshToken: 'xoxe-1-bot-refresh-1', expiresAt: 1_950_000_000, scopes: ['commands', 'chat:write'] },
    appId: 'A1',
    tokenType: 'bot',
    isEnterpriseInstall: false,
    authVersion: 'v2',
    ...overrides,
  };
}

describe.each(engines)('installations and what an uninstall removes (%s)', (engine, prepare) => {
  const { store, raw } = useMigratedStore(prepare);
  let seq = 0;
  beforeEach(async () => {
    for (const table of ['request_events', 'request_approvals', 'import_requests', 'workspace_connections', 'slack_installations', 'home_tab_visits', 'oauth_states_used']) {
      await raw.run(`DELETE FROM ${table}`);
    }
  });

  async function create(overrides: Partial<NewImportRequest> = {}) {
    seq += 1;
    return (await store.createRequest(aNewRequest({ id: `ir-inst-${engine}-${seq}`, teamId: 'T1', requesterId: 'U_REQ', at: T0 + seq, ...overrides }))).request;
  }

  describe('the Store', () => {
    test('an installation round-trips exactly; a re-save replaces it whole; team and org keys are separate', async () => {
      const team = anInstallation();
      const org = anInstallation({ key: 'enterprise:E1', teamId: null, teamName: null, enterpriseId: 'E1', enterpriseName: 'Org', enterpriseUrl: 'https://org.enterprise.slack.com/', isEnterpriseInstall: true, user: { id: 'U_ADMIN', scopes: ['x'], tokenCiphertext: 'v1:user', refreshTokenCiphertext: null, expiresAt: T0 + 1 } });
      await store.saveInstallation(team);
      await store.saveInstallation(org);
      expect(await store.getInstallation('team:T1')).toEqual(team);
      expect(await store.getInstallation('enterprise:E1')).toEqual(org);
      const refreshed = { ...team, bot: { ...team.bot, tokenCiphertext: 'v1:bot-2', refreshTokenCiphertext: 'v1:refresh-2', expiresAt: T0 + 99 }, savedAt: T0 + 5 };
      await store.saveInstallation(refreshed);
      expect(await store.getInstallation('team:T1')).toEqual(refreshed);
      expect(await store.deleteInstallation('team:T1')).toBe(true);
      expect(await store.deleteInstallation('team:T1')).toBe(false);
      expect(await store.getInstallation('team:T1')).toBeUndefined();
      expect(await store.getInstallation('enterprise:E1')).toEqual(org);
    });

    test('connections and waiting requests by workspace or by org; the history stays', async () => {
      for (const [team, org] of [['T1', null], ['GA', 'E1'], ['GB', 'E1'], ['T2', null]] as const) await store.saveConnection(aConnection(team, org));
      const waitingA = await create({ teamId: 'GA', enterpriseId: 'E1' });
      const waitingB = await create({ teamId: 'GB', enterpriseId: 'E1' });
      const decided = await create({ teamId: 'GA', enterpriseId: 'E1', state: 'approved', approval: null, expiresAt: null });
      const elsewhere = await create({ teamId: 'T1' });
      expect((await store.listPending({ enterpriseId: 'E1' }, 10)).map((r) => r.id)).toEqual([waitingA.id, waitingB.id]);
      expect((await store.listPending({ teamId: 'GB' }, 10)).map((r) => r.id)).toEqual([waitingB.id]);
      expect((await store.listPending({ teamId: 'T1' }, 10)).map((r) => r.id)).toEqual([elsewhere.id]);
      expect((await store.listPending({ enterpriseId: 'E1' }, 1)).map((r) => r.id)).toEqual([waitingA.id]);
      expect(await store.getRequest(decided.id)).toMatchObject({ enterpriseId: 'E1' });

      expect(await store.deleteConnections({ enterpriseId: 'E1' })).toBe(2);
      expect(await store.getConnection('GA')).toBeUndefined();
      expect(await store.getConnection('T1')).toMatchObject({ enterpriseId: null });
      expect(await store.deleteConnections({ teamId: 'T2' })).toBe(1);
      expect(await store.deleteConnections({ teamId: 'T2' })).toBe(0);
      expect(await store.getConnection('T1')).toBeDefined();
    });

    test('an org-wide uninstall leaves the workspaces of the org installed on their own', async () => {
      for (const team of ['GA', 'GB']) await store.saveConnection(aConnection(team, 'E1'));
      await store.saveInstallation(anInstallation({ key: 'team:GB', teamId: 'GB', enterpriseId: 'E1' }));
      const waitingA = await create({ teamId: 'GA', enterpriseId: 'E1' });
      const waitingB = await create({ teamId: 'GB', enterpriseId: 'E1' });
      expect((await store.listPending({ enterpriseId: 'E1' }, 10)).map((r) => r.id)).toEqual([waitingA.id]);
      expect(await store.deleteConnections({ enterpriseId: 'E1' })).toBe(1);
      expect(await store.getConnection('GB')).toBeDefined();
      // Its own uninstall still covers it.
      expect((await store.listPending({ teamId: 'GB' }, 10)).map((r) => r.id)).toEqual([waitingB.id]);
      expect(await store.deleteConnections({ teamId: 'GB' })).toBe(1);
    });

    test('a refresh writes only over the generation it read, under a lease one replica holds at a time', async () => {
      const read = anInstallation({ generation: 'g1' });
      await store.saveInstallation(read);
      const claim = { key: read.key, generation: 'g1', until: T0 + 30_000, now: T0 };
      expect(await store.claimInstallationRefresh({ ...claim, owner: 'one' })).toBe(true);
      expect(await store.claimInstallationRefresh({ ...claim, owner: 'two' })).toBe(false);
      // A lease that ran out can be taken; a lease is only had over the generation as read.
      expect(await store.claimInstallationRefresh({ ...claim, owner: 'two', now: T0 + 30_001, until: T0 + 60_001 })).toBe(true);
      expect(await store.claimInstallationRefresh({ ...claim, generation: 'g0', owner: 'three', now: T0 + 99_999 })).toBe(false);
      await store.releaseInstallationRefresh(read.key, 'one');
      expect(await store.claimInstallationRefresh({ ...claim, owner: 'one', now: T0 + 30_002 })).toBe(false);
      await store.releaseInstallationRefresh(read.key, 'two');
      expect(await store.claimInstallationRefresh({ ...claim, owner: 'one' })).toBe(true);

      const refreshed = { ...read, bot: { ...read.bot, tokenCiphertext: 'v1:bot-2' }, generation: 'g2' };
      expect(await store.replaceInstallation(refreshed, 'g0')).toBe(false);
      expect(await store.replaceInstallation(refreshed, 'g1')).toBe(true);
      expect(await store.getInstallation(read.key)).toEqual(refreshed);
      // Written over g1 again (a second refresh of the same read): refused.
      expect(await store.replaceInstallation({ ...refreshed, generation: 'g3' }, 'g1')).toBe(false);
      // The replace ended the lease: anyone may claim over the new generation.
      expect(await store.claimInstallationRefresh({ ...claim, generation: 'g2', owner: 'two' })).toBe(true);
      // A re-install ends a lease too, and an uninstall leaves nothing to replace.
      await store.saveInstallation({ ...read, generation: 'g4' });
      expect(await store.claimInstallationRefresh({ ...claim, generation: 'g4', owner: 'one' })).toBe(true);
      await store.deleteInstallation(read.key);
      expect(await store.replaceInstallation({ ...refreshed, generation: 'g5' }, 'g4')).toBe(false);
      expect(await store.getInstallation(read.key)).toBeUndefined();
    });

    test('one person’s requests in a workspace, newest first', async () => {
      const mine = [await create({ requesterId: 'U_ME' }), await create({ requesterId: 'U_ME', state: 'approved', approval: null, expiresAt: null })];
      await create({ requesterId: 'U_OTHER' });
      await create({ requesterId: 'U_ME', teamId: 'T2' });
      expect((await store.listRequests('T1', 10, { requesterId: 'U_ME' })).map((r) => r.id)).toEqual([mine[1]!.id, mine[0]!.id]);
      expect((await store.listRequests('T1', 1, { requesterId: 'U_ME' })).map((r) => r.id)).toEqual([mine[1]!.id]);
    });

    test('who opened the Home tab, and since when', async () => {
      await store.noteHomeOpened('T1', 'U_A', T0);
      await store.noteHomeOpened('T1', 'U_B', T0 - 10);
      await store.noteHomeOpened('T2', 'U_C', T0);
      await store.noteHomeOpened('T1', 'U_B', T0 + 10); // opened again: the latest counts
      expect((await store.homeViewers('T1', ['U_A', 'U_B', 'U_C', 'U_D'], T0)).sort()).toEqual(['U_A', 'U_B']);
      expect(await store.homeViewers('T1', ['U_A', 'U_B'], T0 + 5)).toEqual(['U_B']);
      expect(await store.homeViewers('T1', [], 0)).toEqual([]);
    });

    test('an install link’s state is used once, also when raced; expired records are forgotten', async () => {
      expect(await store.consumeOAuthState('hash-1', T0 + 600_000, T0)).toBe(true);
      expect(await store.consumeOAuthState('hash-1', T0 + 600_000, T0 + 1)).toBe(false);
      const raced = await Promise.all(Array.from({ length: 5 }, () => store.consumeOAuthState('hash-2', T0 + 600_000, T0)));
      expect(raced.filter(Boolean)).toHaveLength(1);
      await store.consumeOAuthState('hash-3', T0 + 700_000, T0 + 650_000);
      const left = await raw.query<{ state_hash: string }>('SELECT state_hash FROM oauth_states_used ORDER BY state_hash');
      expect(left.map((r) => r.state_hash)).toEqual(['hash-3']);
    });
  });

  describe('the InstallationStore @slack/oauth uses', () => {
    const cipher = new TokenCipher(KEY);
    const installations = () => new Installations(store, cipher, new SecretScrubber(), { now: () => T0 });

    test('stores every token only encrypted, and gives the installation back as @slack/oauth wrote it', async () => {
      const given = oauthInstallation();
      await installations().storeInstallation(given);
      const [row] = await raw.query<Record<string, unknown>>('SELECT * FROM slack_installations');
      for (const secret of ['xoxe.xoxb-1-bot-token-1', 'xoxe-1-bot-refresh-1', 'xoxp-user-token-1', 'xoxe-1-user-refresh-1']) expect(JSON.stringify(row)).not.toContain(secret);
      expect(row).toMatchObject({ install_key: 'team:T1', bot_user_id: 'U_BOT' });
      expect(Number(row!['bot_token_expires_at'])).toBe(1_950_000_000_000);
      const back = await installations().fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false });
      expect(back).toEqual({ ...given, enterprise: undefined });
    });

    test('a workspace of an org-wide install is answered with the org’s installation; its own comes first when it has one', async () => {
      await installations().storeInstallation(
        oauthInstallation({ team: undefined, enterprise: { id: 'E1', name: 'Org' }, isEnterpriseInstall: true, enterpriseUrl: 'https://org.enterprise.slack.com/', bot: { id: 'B_ORG', userId: 'U_ORGBOT', token: 'xoxb-org', scopes: ['commands'] } }),
      );
      const viaTeam = await installations().fetchInstallation({ teamId: 'GA', enterpriseId: 'E1', isEnterpriseInstall: false });
      expect(viaTeam.bot).toMatchObject({ token: 'xoxb-org', id: 'B_ORG' });
      expect(viaTeam.isEnterpriseInstall).toBe(true);
      await installations().storeInstallation(oauthInstallation({ team: { id: 'GA' }, enterprise: { id: 'E1' }, bot: { id: 'B_GA', userId: 'U_GABOT', token: 'xoxb-ga', scopes: ['commands'] } }));
      expect((await installations().fetchInstallation({ teamId: 'GA', enterpriseId: 'E1', isEnterpriseInstall: false })).bot?.token).toBe('xoxb-ga');
      expect((await installations().fetchInstallation({ teamId: 'GA', enterpriseId: 'E1', isEnterpriseInstall: true })).bot?.token).toBe('xoxb-org');
      await expect(installations().fetchInstallation({ teamId: 'T9', enterpriseId: undefined, isEnterpriseInstall: false })).rejects.toBeInstanceOf(NotInstalledError);
      await installations().deleteInstallation({ teamId: 'GA', enterpriseId: 'E1', isEnterpriseInstall: false });
      expect((await installations().fetchInstallation({ teamId: 'GA', enterpriseId: 'E1', isEnterpriseInstall: false })).bot?.token).toBe('xoxb-org');
    });

    test('a ciphertext moved to another installation, or to another kind of token, does not decrypt', async () => {
      await installations().storeInstallation(oauthInstallation());
      await installations().storeInstallation(oauthInstallation({ team: { id: 'T2' } }));
      const one = (await store.getInstallation('team:T1'))!;
      const two = (await store.getInstallation('team:T2'))!;
      await store.saveInstallation({ ...two, bot: { ...two.bot, tokenCiphertext: one.bot.tokenCiphertext } });
      await expect(installations().fetchInstallation({ teamId: 'T2', enterpriseId: undefined, isEnterpriseInstall: false })).rejects.toThrow(/cannot be decrypted/);
      await store.saveInstallation({ ...one, bot: { ...one.bot, tokenCiphertext: one.user.tokenCiphertext! } });
      await expect(installations().fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false })).rejects.toThrow(/cannot be decrypted/);
    });

    test('a revoked user token is forgotten, the bot kept', async () => {
      await installations().storeInstallation(oauthInstallation());
      expect(await installations().dropUserToken({ teamId: 'T1' })).toBe(true);
      const back = await installations().fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false });
      expect(back.user).toEqual({ id: 'U_INSTALLER', scopes: ['search:read'] });
      expect(back.bot?.token).toBe('xoxe.xoxb-1-bot-token-1');
      expect(await installations().dropUserToken({ teamId: 'T1' })).toBe(false);
    });
  });
});
