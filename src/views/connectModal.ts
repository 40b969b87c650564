// The admin's form for connecting a workspace to Simplismart, and its reading and checking: the
// token is checked for shape and expiry, never echoed back except masked.
import type { ModalView } from '@slack/types';
import { z } from 'zod';
import { inspectToken, tokenFreshness, type WorkspaceConnection } from '../domain/workspaceConnection.js';
import { code, context, plain, section, slackDate, SLACK_LIMITS, textInput } from './blocks.js';
import { CALLBACK, CONNECT_BLOCK, INPUT_ACTION } from './ids.js';
import { ModalState, type ViewStateValues } from './modalState.js';

export function connectModal(existing: WorkspaceConnection | undefined): ModalView {
  const intro = existing === undefined
    ? 'Paste a Simplismart API token (Simplismart → Settings → API keys). It is stored encrypted and never shown again except masked.'
    : `Connected to org ${code(existing.orgId)} with token ${code(existing.tokenHint)}. Paste a new token to replace it.`;
  const text = (blockId: string, label: string, options: { optional?: boolean; hint?: string; initial?: string | null; placeholder?: string; maxLength?: number }) =>
    textInput({
      blockId,
      actionId: INPUT_ACTION,
      label,
      value: options.initial ?? null,
      maxLength: options.maxLength ?? 36,
      ...(options.optional === undefined ? {} : { optional: options.optional }),
      ...(options.hint === undefined ? {} : { hint: options.hint }),
      ...(options.placeholder === undefined ? {} : { placeholder: options.placeholder }),
    });
  return {
    type: 'modal',
    callback_id: CALLBACK.connectModal,
    title: plain('Connect Simplismart', SLACK_LIMITS.modalTitle),
    submit: plain('Connect', SLACK_LIMITS.modalButton),
    close: plain('Cancel', SLACK_LIMITS.modalButton),
    blocks: [
      section(intro),
      text(CONNECT_BLOCK.token, 'API token', { maxLength: 3000, placeholder: 'eyJhbGciOi…', hint: 'The JWT itself, without “Bearer”.' }),
      text(CONNECT_BLOCK.org, 'Organisation UUID', {
        optional: true,
        initial: existing?.orgId,
        placeholder: '54360212-2263-44c6-afaf-1333544854f7',
        hint: 'Leave empty to use the organisation named in the token, if it names one.',
      }),
      text(CONNECT_BLOCK.hostedZone, 'Default hosted zone UUID', { optional: true, initial: existing?.defaultHostedZone, hint: 'Pre-fills the import form.' }),
      text(CONNECT_BLOCK.secretId, 'Default secret UUID', { optional: true, initial: existing?.defaultSecretId, hint: 'Pre-fills the import form.' }),
      context('Only Slack workspace admins and owners can connect. Every import from this workspace uses this token.'),
    ],
  };
}

const uuid = z.guid();

export type ConnectFormResult =
  | { ok: true; token: string; orgId: string; defaultHostedZone: string | null; defaultSecretId: string | null; expiresAt: number | null }
  | { ok: false; errors: Record<string, string> };

export function readConnectForm(values: ViewStateValues, now: number): ConnectFormResult {
  const state = new ModalState(values);
  const get = (blockId: string) => state.text(blockId).trim();
  const errors: Record<string, string> = {};
  const token = get(CONNECT_BLOCK.token);
  const inspection = inspectToken(token);
  if (!inspection.ok) errors[CONNECT_BLOCK.token] = inspection.problem;
  else if (tokenFreshness(inspection.expiresAt, now) === 'expired') {
    errors[CONNECT_BLOCK.token] = 'This token has already expired. Create a new one in Simplismart → Settings → API keys.';
  }
  let orgId = get(CONNECT_BLOCK.org);
  if (orgId === '' && inspection.ok && inspection.orgUuid !== null) orgId = inspection.orgUuid;
  if (orgId === '') errors[CONNECT_BLOCK.org] = 'Enter your Simplismart organisation UUID (the token does not name one).';
  else if (!uuid.safeParse(orgId).success) errors[CONNECT_BLOCK.org] = 'Enter a UUID such as 54360212-2263-44c6-afaf-1333544854f7.';
  const optionalUuid = (blockId: string): string | null => {
    const value = get(blockId);
    if (value === '') return null;
    if (!uuid.safeParse(value).success) errors[blockId] = 'Enter a UUID, or leave this empty.';
    return value;
  };
  const defaultHostedZone = optionalUuid(CONNECT_BLOCK.hostedZone);
  const defaultSecretId = optionalUuid(CONNECT_BLOCK.secretId);
  if (Object.keys(errors).length > 0 || !inspection.ok) return { ok: false, errors };
  return { ok: true, token, orgId, defaultHostedZone, defaultSecretId, expiresAt: inspection.expiresAt };
}

export function connectedModal(connection: WorkspaceConnection, now: number): ModalView {
  const freshness = tokenFreshness(connection.tokenExpiresAt, now);
  const expiry =
    connection.tokenExpiresAt === null
      ? 'It has no expiry date.'
      : `It expires ${slackDate(connection.tokenExpiresAt)}${freshness === 'expiring_soon' ? ' — *within 7 days*: plan to replace it' : ''}.`;
  return {
    type: 'modal',
    title: plain('Connected', SLACK_LIMITS.modalTitle),
    close: plain('Done', SLACK_LIMITS.modalButton),
    blocks: [
      section(`:large_green_circle: This workspace now imports into org ${code(connection.orgId)} with token ${code(connection.tokenHint)}. ${expiry}`),
      context('Anyone here can now run `/simplismart import`. `/simplismart status` shows this again.'),
    ],
  };
}
