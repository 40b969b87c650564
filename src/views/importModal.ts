// The import form rendered: ImportForm → Block Kit, the cluster's fields (with ids that stay put across
// updates, so Slack keeps what people typed) — hosted zone, secret and cluster tools offered by the
// names the workspace gave them — and the node-group editor. Its metadata is in importModalMeta.ts, its
// reading in importModalRead.ts.
//
// Slack allows 100 blocks in a form. At most: a note (1), name, slug, provider, region (4), org (1),
// hosted zone and secret each as a menu and a typed UUID (4), service type and NodePort's three (4),
// More settings: avatar (3), default node config (1), a menu per named tool category (at most
// REFERENCE_LIMITS.toolCategories = 6) and the other tools typed (1) — 25 — and the node-group editor's
// 2 + 12 × MAX_NODE_GROUPS (6) = 74, and at 6 groups a line saying why no more fit beside "Fill from my
// nodes" (1): 100, Slack's limit. A test renders that form and counts.
import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { LIMITS, PROVIDER_LABELS, PROVIDERS, REGION_PROVIDERS, SERVICE_TYPES } from '../domain/clusterImport.js';
import { backgroundFromSlug, deriveSlug } from '../domain/clusterDefaults.js';
import type { ClusterField, ImportForm } from '../domain/importForm.js';
import { namedOf, toolCategories, type NamedReference } from '../domain/references.js';
import { actions, button, clipMrkdwn, context, input, numberInput, option, plain, SLACK_LIMITS, textInput as plainTextInput } from './blocks.js';
import { ACTION, CALLBACK, clusterBlockId, INPUT_ACTION, MORE_SETTINGS_BLOCK, namedBlockId, toolsBlockId } from './ids.js';
import { encodeMeta, type ImportModalMeta, type NamedField } from './importModalMeta.js';
import { APPROVAL_NOTE_MAX } from './requestFormMeta.js';
import { namedChoiceBlocks, type NamedValue } from './namedChoice.js';
import { nodeGroupEditorBlocks } from './nodeGroupEditor.js';

/** Settings most imports leave to their defaults; the form shows them on request (or once one is set). */
const MORE_SETTINGS: readonly ClusterField[] = ['avatarUrl', 'fontColor', 'backgroundColor', 'clusterNodeConfig', 'clusterTools'];

export function showsMoreSettings(form: ImportForm, meta: ImportModalMeta): boolean {
  return meta.x === 1 || MORE_SETTINGS.some((field) => form[field].trim() !== '') || Object.values(form.toolChoices).some((ids) => ids.length > 0);
}

/**
 * `notes` are shown once on top (what the command pre-filled or could not use); the approval note in
 * `meta` stays on every update. `references` are the workspace's names, offered in menus.
 */
export function renderImportModal(form: ImportForm, meta: ImportModalMeta, notes: readonly string[] = [], references: readonly NamedReference[] = []): ModalView {
  const blocks: KnownBlock[] = [];
  const approval = meta.a;
  const lines = [...notes, ...(approval === undefined ? [] : [approval])];
  if (lines.length > 0) blocks.push(context(...lines.map((n) => clipMrkdwn(n, APPROVAL_NOTE_MAX)).slice(0, 5)));
  blocks.push(...clusterBlocks(form, meta, references));
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

function clusterBlocks(form: ImportForm, meta: ImportModalMeta, references: readonly NamedReference[]): KnownBlock[] {
  const moreSettings = showsMoreSettings(form, meta);
  const named = (field: NamedField, kind: 'hosted_zone' | 'secret', label: string, typed: (value: string) => KnownBlock): KnownBlock[] =>
    namedChoiceBlocks({
      menuBlockId: namedBlockId(field),
      label,
      placeholder: `Choose a ${label.toLowerCase()}`,
      named: namedOf(references, kind).map(namedValue),
      value: form[field],
      other: meta.o?.includes(field) === true,
      typed,
    });
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
    ...named('hostedZone', 'hosted_zone', 'Hosted zone', (value) =>
      textInput('hostedZone', 'Hosted zone UUID', value, { maxLength: 36, placeholder: 'b13c6a8a-6e9a-4bb9-8a0c-0db8c1a5a63f', hint: 'Simplismart → Integrations → Hosted zones.' }),
    ),
    ...named('secretId', 'secret', 'Secret (kubeconfig)', (value) =>
      textInput('secretId', 'Secret UUID (kubeconfig)', value, { maxLength: 36, placeholder: '9d1a0a51-9af6-4c6f-90ab-1a8b54e2b7b1', hint: 'The Simplismart secret that holds this cluster’s kubeconfig.' }),
    ),
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
    ...toolBlocks(form, references),
  );
  return blocks;
}

/** A menu per category of named tools, then the tools typed (all of them while none is named). */
function toolBlocks(form: ImportForm, references: readonly NamedReference[]): KnownBlock[] {
  const catalogs = toolCategories(references);
  const menus = catalogs.map(({ category, tools }): KnownBlock => {
    const options = tools.map((t) => option(t.name, t.uuid, t.uuid));
    const chosen = options.filter((o) => form.toolChoices[category]?.includes(o.value ?? '') === true);
    return input({
      blockId: toolsBlockId(category),
      label: `Cluster tools: ${category}`,
      optional: true,
      element: {
        type: 'multi_static_select',
        action_id: INPUT_ACTION,
        placeholder: plain(`Choose ${category} tools`),
        options,
        ...(chosen.length > 0 ? { initial_options: chosen } : {}),
      },
    });
  });
  const named = catalogs.length > 0;
  return [
    ...menus,
    textInput('clusterTools', named ? 'Other cluster tools' : 'Cluster tools', form.clusterTools, {
      optional: true,
      multiline: true,
      maxLength: 3000,
      placeholder: 'MONITORING: <catalog uuid>, <catalog uuid>\nASYNC TOOLS: <catalog uuid>',
      hint: named
        ? 'Tools without a name above: one category per line followed by its tool catalog UUIDs. Tools can only be chosen at import time.'
        : 'One category per line followed by its tool catalog UUIDs (e.g. MONITORING, ASYNC TOOLS, TRAINING). Tools can only be chosen at import time. Admins can name them: /simplismart references.',
    }),
  ];
}

function namedValue(reference: NamedReference): NamedValue {
  return { name: reference.name, value: reference.uuid, description: reference.uuid };
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

