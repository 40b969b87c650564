// The admin's connect form: the token checked for shape and expiry, never echoed back except masked.
/* eslint-disable @typescript-eslint/no-explicit-any -- Block Kit JSON is walked structurally. */
import type { WorkspaceConnection } from '../../src/domain/workspaceConnection.js';
import { connectedModal, connectModal, readConnectForm } from '../../src/views/connectModal.js';
import { CALLBACK, CONNECT_BLOCK, INPUT_ACTION } from '../../src/views/ids.js';
import type { ViewStateValues as StateValues } from '../../src/views/modalState.js';

const NOW = Date.UTC(2025, 5, 1);
const ORG = '54360212-2263-44c6-afaf-1333544854f7';
const ZONE = 'b13c6a8a-6e9a-4bb9-8a0c-0db8c1a5a63f';
const segment = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const jwt = (claims: Record<string, unknown>) => `${segment({ alg: 'HS256' })}.${segment(claims)}.SIGNATURE-part-never-shown`;

function state(values: Partial<Record<keyof typeof CONNECT_BLOCK, string | null>>): StateValues {
  const out: StateValues = {};
  for (const [key, blockId] of Object.entries(CONNECT_BLOCK)) {
    out[blockId] = { [INPUT_ACTION]: { type: 'plain_text_input', value: values[key as keyof typeof CONNECT_BLOCK] ?? null } };
  }
  return out;
}

const connection: WorkspaceConnection = {
  teamId: 'T1',
  enterpriseId: null,
  tokenCiphertext: 'v1:x',
  tokenHint: 'eyJh…hown',
  tokenExpiresAt: NOW + 3 * 86400_000,
  orgId: ORG,
  defaultHostedZone: ZONE,
  defaultSecretId: null,
  connectedBy: 'U1',
  connectedAt: NOW,
};

describe('connectModal', () => {
  it('asks for the token, org and defaults within Slack’s limits', () => {
    const view = connectModal(undefined);
    expect(view.callback_id).toBe(CALLBACK.connectModal);
    for (const t of [view.title, view.submit!, view.close!]) expect(t.text.length).toBeLessThanOrEqual(24);
    const ids = (view.blocks as any[]).filter((b) => b.type === 'input').map((b) => b.block_id);
    expect(ids).toEqual(Object.values(CONNECT_BLOCK));
  });

  it('when reconnecting, pre-fills org and defaults, shows the masked token, never pre-fills a token', () => {
    const view = connectModal(connection);
    const json = JSON.stringify(view);
    expect(json).toContain('eyJh…hown');
    const token = (view.blocks as any[]).find((b) => b.block_id === CONNECT_BLOCK.token);
    expect(token.element.initial_value).toBeUndefined();
    expect((view.blocks as any[]).find((b) => b.block_id === CONNECT_BLOCK.org).element.initial_value).toBe(ORG);
    expect((view.blocks as any[]).find((b) => b.block_id === CONNECT_BLOCK.hostedZone).element.initial_value).toBe(ZONE);
  });
});

describe('readConnectForm', () => {
  it('accepts a JWT and an org; empty defaults are null', () => {
    const token = jwt({ exp: NOW / 1000 + 86400 * 30 });
    expect(readConnectForm(state({ token: ` ${token} `, org: ORG }), NOW)).toEqual({
      ok: true,
      token,
      orgId: ORG,
      defaultHostedZone: null,
      defaultSecretId: null,
      expiresAt: NOW + 86400_000 * 30,
    });
  });

  it('takes the org from the token when the field is empty', () => {
    expect(readConnectForm(state({ token: jwt({ org_uuid: ORG }) }), NOW)).toMatchObject({ ok: true, orgId: ORG });
  });

  it('puts each problem under its field, never repeating the token', () => {
    const result = readConnectForm(state({ token: 'Bearer abc.def.ghi-SECRET', org: 'nope', hostedZone: 'x', secretId: 'y' }), NOW);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual(Object.values(CONNECT_BLOCK).sort());
    expect(JSON.stringify(result.errors)).not.toContain('SECRET');
  });

  it('refuses an expired token and asks for an org the token does not name', () => {
    const result = readConnectForm(state({ token: jwt({ exp: NOW / 1000 - 1 }) }), NOW);
    expect(result).toEqual({
      ok: false,
      errors: { [CONNECT_BLOCK.token]: expect.stringContaining('already expired'), [CONNECT_BLOCK.org]: expect.stringContaining('organisation UUID') },
    });
  });
});

describe('connectedModal', () => {
  it('confirms with the masked token and warns of an expiry within 7 days', () => {
    const view = connectedModal(connection, NOW);
    const json = JSON.stringify(view.blocks);
    expect(json).toContain('eyJh…hown');
    expect(json).toContain('within 7 days');
    expect(view.title.text.length).toBeLessThanOrEqual(24);
  });
});
