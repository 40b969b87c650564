// Reading the import form back: its submitted (or updated) state → ImportForm (a named value read as
// its UUID), which named fields say "Other", and the mapping's field errors → the blocks Slack shows
// them under.
import { PROVIDERS } from '../domain/clusterImport.js';
import type { ClusterField, FieldError, ImportForm } from '../domain/importForm.js';
import { errorsByBlock as errorsByField, type ErrorPlacement } from './formErrors.js';
import { ACTION, clusterBlockId, namedBlockId, TOOLS_BLOCK_PREFIX } from './ids.js';
import { NAMED_FIELDS, type ImportModalMeta, type NamedField } from './importModalMeta.js';
import { ModalState, type ViewStateValues } from './modalState.js';
import { readNamedChoice } from './namedChoice.js';
import { readNodeGroups } from './nodeGroupEditor.js';

export function readImportForm(values: ViewStateValues, meta: ImportModalMeta): ImportForm {
  const state = new ModalState(values);
  const provider = state.text(clusterBlockId('provider'), ACTION.provider);
  const serviceType = state.text(clusterBlockId('serviceType'), ACTION.serviceType);
  const c = (field: ClusterField) => state.text(clusterBlockId(field));
  const named = (field: NamedField) => readNamedChoice(state, namedBlockId(field), clusterBlockId(field)).value;
  const toolChoices = Object.fromEntries(
    state.blocksStartingWith(TOOLS_BLOCK_PREFIX).map((blockId) => [blockId.slice(TOOLS_BLOCK_PREFIX.length), state.chosen(blockId)] as const),
  );
  return {
    name: c('name'),
    slug: c('slug'),
    provider: (PROVIDERS as readonly string[]).includes(provider) ? (provider as ImportForm['provider']) : '',
    region: c('region'),
    org: c('org'),
    hostedZone: named('hostedZone'),
    secretId: named('secretId'),
    serviceType: serviceType === 'NodePort' ? 'NodePort' : 'LoadBalancer',
    publicIp: c('publicIp'),
    nodePortHttp: c('nodePortHttp'),
    nodePortHttps: c('nodePortHttps'),
    avatarUrl: c('avatarUrl'),
    fontColor: c('fontColor'),
    backgroundColor: c('backgroundColor'),
    clusterNodeConfig: c('clusterNodeConfig'),
    clusterTools: c('clusterTools'),
    toolChoices,
    nodeGroups: readNodeGroups(state, meta.s),
  };
}

/** The metadata with the named fields whose menu now says "Other (UUID)…". */
export function withOtherChoices(values: ViewStateValues, meta: ImportModalMeta): ImportModalMeta {
  const state = new ModalState(values);
  const others = NAMED_FIELDS.filter((field) => readNamedChoice(state, namedBlockId(field), clusterBlockId(field)).other);
  const { o: _previous, ...rest } = meta;
  return others.length === 0 ? rest : { ...rest, o: others };
}

/** Field errors → `response_action: errors` map; every key is an input block of the rendered form. */
export function errorsByBlock(errors: FieldError[]): Record<string, string> {
  return errorsByField(errors, clusterBlockId);
}

/**
 * Problems that concern the whole form appear under its first field. Some fields only appear once
 * another field is set (via dispatch_action and views.update): a submit that races that update sends
 * e.g. provider=aws from a view without the Region field, so its error goes under the field that
 * reveals it.
 */
export const IMPORT_ERROR_PLACEMENT: ErrorPlacement = {
  formLevel: clusterBlockId('name'),
  revealedBy: {
    [clusterBlockId('region')]: { label: 'Region', blockId: clusterBlockId('provider') },
    [clusterBlockId('publicIp')]: { label: 'Public IP', blockId: clusterBlockId('serviceType') },
    [clusterBlockId('nodePortHttp')]: { label: 'NodePort for HTTP', blockId: clusterBlockId('serviceType') },
    [clusterBlockId('nodePortHttps')]: { label: 'NodePort for HTTPS', blockId: clusterBlockId('serviceType') },
    [clusterBlockId('hostedZone')]: { label: 'Hosted zone UUID', blockId: namedBlockId('hostedZone') },
    [clusterBlockId('secretId')]: { label: 'Secret UUID', blockId: namedBlockId('secretId') },
  },
};

