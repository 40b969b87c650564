// The import form rendered: ImportForm → Block Kit, the cluster's fields (with ids that stay put across
// updates, so Slack keeps what people typed) and the node-group editor. Its metadata is in
// importModalMeta.ts, its reading in importModalRead.ts.
import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { LIMITS, PROVIDER_LABELS, PROVIDERS, REGION_PROVIDERS, SERVICE_TYPES } from '../domain/clusterImport.js';
import { backgroundFromSlug, deriveSlug } from '../domain/clusterDefaults.js';
import type { ClusterField, ImportForm } from '../domain/importForm.js';
import { actions, button, clipMrkdwn, context, input, numberInput, option, plain, SLACK_LIMITS, textInput as plainTextInput } from './blocks.js';
import { ACTION, CALLBACK, clusterBlockId, INPUT_ACTION, MORE_SETTINGS_BLOCK } from './ids.js';
import { APPROVAL_NOTE_MAX, encodeMeta, type ImportModalMeta } from './importModalMeta.js';
import { nodeGroupEditorBlocks } from './nodeGroupEditor.js';

// Re-exported for the tests that import them from here (test/e2e, test/support); src imports them
// from their own modules.

/** Settings most imports leave to their defaults; the form shows them on request (or once one is set). */
const MORE_SETTINGS: readonly ClusterField[] = ['avatarUrl', 'fontColor', 'backgroundColor', 'clusterNodeConfig', 'clusterTools'];

export function showsMoreSettings(form: ImportForm, meta: ImportModalMeta): boolean {
  return meta.x === 1 || MORE_SETTINGS.some((field) => form[field].trim() !== '');
}

/**
 * `notes` are shown once on top (what the command pre-filled or could not use); the approval note in
 * `meta` stays on every update.
 */
export function renderImportModal(form: ImportForm, meta: ImportModalMeta, notes: readonly string[] = []): ModalView {
  const blocks: KnownBlock[] = [];
  const approval = meta.a;
  const lines = [...notes, ...(approval === undefined ? [] : [approval])];
  if (lines.length > 0) blocks.push(context(...lines.map((n) => clipMrkdwn(n, APPROVAL_NOTE_MAX)).slice(0, 5)));
  blocks.push(...clusterBlocks(form, showsMoreSettings(form, meta)));
  blocks.push(...nodeGroupEditorBlocks(form.nodeGroups));
  return {
    type: 'modal',
    callback_id: CALLBACK.importModal,
    title: plain('Import a cluster', SLACK_LIMITS.modalTitle),
    submit: plain(approval === undefined ? 'Import' : 'Submit for approval', SLACK_LIMITS.modalButton),
    close: plain('Cancel', SLACK_LIMITS.modalButton),
    private_metadata: encodeMeta(meta),
    blocks,
  };
}

function clusterBlocks(form: ImportForm, moreSettings: boolean): KnownBlock[] {
  const name = form.name.trim();
  const derivedSlug = deriveSlug(name);
  const slug = form.slug.trim() === '' ? derivedSlug : form.slug.trim();
  const blocks: KnownBlock[] = [
    textInput('name', 'Cluster name', form.name, { placeholder: 'Production Cluster', maxLength: LIMITS.nameLength }),
    textInput('slug', 'Slug', form.slug, {
      optional: true,
      maxLength: LIMITS.slugLength,
      placeholder: derivedSlug === '' ? 'prod-cluster' : derivedSlug,
      hint:
        derivedSlug === ''
          ? 'Leave empty to derive it from the name (e.g. “Production Cluster” → production-cluster). Lower-case letters, digits and hyphens.'
          : `Leave empty to use “${derivedSlug}”, derived from the name. Lower-case letters, digits and hyphens.`,
    }),
    input({
      blockId: clusterBlockId('provider'),
      label: 'Provider',
      dispatchAction: true,
      element: {
        type: 'static_select',
        action_id: ACTION.provider,
        placeholder: plain('Where the cluster runs'),
        options: PROVIDERS.map((p) => option(PROVIDER_LABELS[p], p)),
        ...(form.provider === '' ? {} : { initial_option: option(PROVIDER_LABELS[form.provider], form.provider) }),
      },
    }),
  ];
  if (form.provider !== '' && REGION_PROVIDERS.includes(form.provider)) {
    blocks.push(
      textInput('region', 'Region', form.region, {
        placeholder: form.provider === 'gcp' ? 'us-central1' : 'us-west-2',
        maxLength: 40,
        hint: `Required for ${form.provider}.`,
      }),
    );
  }
  blocks.push(
    textInput('org', 'Organisation UUID', form.org, { maxLength: 36, placeholder: '54360212-2263-44c6-afaf-1333544854f7', hint: 'Your Simplismart organisation; pre-filled from the workspace connection.' }),
    textInput('hostedZone', 'Hosted zone UUID', form.hostedZone, { maxLength: 36, placeholder: 'b13c6a8a-6e9a-4bb9-8a0c-0db8c1a5a63f', hint: 'Simplismart → Integrations → Hosted zones.' }),
    textInput('secretId', 'Secret UUID (kubeconfig)', form.secretId, { maxLength: 36, placeholder: '9d1a0a51-9af6-4c6f-90ab-1a8b54e2b7b1', hint: 'The Simplismart secret that holds this cluster’s kubeconfig.' }),
    input({
      blockId: clusterBlockId('serviceType'),
      label: 'Service type',
      hint: 'LoadBalancer (default): a cloud load balancer exposes services. NodePort: a node’s public IP and two ports.',
      dispatchAction: true,
      element: {
        type: 'radio_buttons',
        action_id: ACTION.serviceType,
        options: SERVICE_TYPES.map((s) => serviceTypeOption(s)),
        initial_option: serviceTypeOption(form.serviceType),
      },
    }),
  );
  if (form.serviceType === 'NodePort') {
    blocks.push(
      textInput('publicIp', 'Public IP', form.publicIp, { placeholder: '203.0.113.10', maxLength: 45, hint: 'An address of a node reachable from Simplismart.' }),
      port('nodePortHttp', 'NodePort for HTTP', form.nodePortHttp, 'Kubernetes assigns NodePorts from 30000–32767 by default.'),
      port('nodePortHttps', 'NodePort for HTTPS', form.nodePortHttps),
    );
  }
  if (!moreSettings) {
    blocks.push(
      actions(MORE_SETTINGS_BLOCK, [
        button('More settings: avatar, default node config, cluster tools', ACTION.showMoreSettings, { value: 'show' }),
      ]),
    );
    return blocks;
  }
  blocks.push(
    input({
      blockId: clusterBlockId('avatarUrl'),
      label: 'Avatar image URL',
      optional: true,
      hint: 'Leave empty for a generated avatar with the cluster’s initials.',
      element: {
        type: 'url_text_input',
        action_id: INPUT_ACTION,
        placeholder: plain('https://ui-avatars.com/api/?name=Production'),
        ...(isHttpUrl(form.avatarUrl) ? { initial_value: form.avatarUrl.trim() } : {}),
      },
    }),
    textInput('fontColor', 'Avatar text colour', form.fontColor, { optional: true, maxLength: 7, placeholder: '#FFFFFF', hint: 'Leave empty for white (#FFFFFF).' }),
    textInput('backgroundColor', 'Avatar background colour', form.backgroundColor, {
      optional: true,
      maxLength: 7,
      placeholder: backgroundFromSlug(slug === '' ? name : slug),
      hint: `Leave empty for ${backgroundFromSlug(slug === '' ? name : slug)}, derived from the slug.`,
    }),
    textInput('clusterNodeConfig', 'Cluster default node config', form.clusterNodeConfig, {
      optional: true,
      multiline: true,
      maxLength: 3000,
      placeholder: 'machine_type=m5.xlarge\ncapacity_type=ON_DEMAND\nmin_node_count=1',
      hint: 'Optional defaults for every node group, one key=value per line (API keys: machine_type, capacity_type, min_node_count, max_node_count, desired_count, accelerator_type, accelerator_count, vcpu, memory).',
    }),
    textInput('clusterTools', 'Cluster tools', form.clusterTools, {
      optional: true,
      multiline: true,
      maxLength: 3000,
      placeholder: 'MONITORING: <catalog uuid>, <catalog uuid>\nASYNC TOOLS: <catalog uuid>',
      hint: 'One category per line followed by its tool catalog UUIDs (e.g. MONITORING, ASYNC TOOLS, TRAINING). Tools can only be chosen at import time.',
    }),
  );
  return blocks;
}

function serviceTypeOption(serviceType: (typeof SERVICE_TYPES)[number]): PlainTextOption {
  return option(serviceType, serviceType);
}

function textInput(
  field: ClusterField,
  label: string,
  value: string,
  options: { optional?: boolean; placeholder?: string; hint?: string; maxLength?: number; multiline?: boolean },
): KnownBlock {
  return plainTextInput({ blockId: clusterBlockId(field), actionId: INPUT_ACTION, label, value, ...options });
}

function port(field: ClusterField, label: string, value: string, hint?: string): KnownBlock {
  return numberInput({ blockId: clusterBlockId(field), actionId: INPUT_ACTION, label, value, min: 1, max: 65535, ...(hint === undefined ? {} : { hint }) });
}

function isHttpUrl(value: string): boolean {
  return /^https?:\/\/\S+$/i.test(value.trim()) && value.trim().length <= LIMITS.urlLength;
}

