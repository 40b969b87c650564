// Reading the import form back: its submitted (or updated) state → ImportForm, and the mapping's field
// errors → the blocks Slack shows them under.
import { PROVIDERS } from '../domain/clusterImport.js';
import type { ClusterField, FieldError, ImportForm } from '../domain/importForm.js';
import { clip } from './blocks.js';
import { ACTION, clusterBlockId, groupBlockId } from './ids.js';
import type { ImportModalMeta } from './importModalMeta.js';
import { ModalState, type ViewStateValues } from './modalState.js';
import { readNodeGroups } from './nodeGroupEditor.js';

export function readImportForm(values: ViewStateValues, meta: ImportModalMeta): ImportForm {
  const state = new ModalState(values);
  const provider = state.text(clusterBlockId('provider'), ACTION.provider);
  const serviceType = state.text(clusterBlockId('serviceType'), ACTION.serviceType);
  const c = (field: ClusterField) => state.text(clusterBlockId(field));
  return {
    name: c('name'),
    slug: c('slug'),
    provider: (PROVIDERS as readonly string[]).includes(provider) ? (provider as ImportForm['provider']) : '',
    region: c('region'),
    org: c('org'),
    hostedZone: c('hostedZone'),
    secretId: c('secretId'),
    serviceType: serviceType === 'NodePort' ? 'NodePort' : 'LoadBalancer',
    publicIp: c('publicIp'),
    nodePortHttp: c('nodePortHttp'),
    nodePortHttps: c('nodePortHttps'),
    avatarUrl: c('avatarUrl'),
    fontColor: c('fontColor'),
    backgroundColor: c('backgroundColor'),
    clusterNodeConfig: c('clusterNodeConfig'),
    clusterTools: c('clusterTools'),
    nodeGroups: readNodeGroups(state, meta.s),
  };
}

/** Field errors → `response_action: errors` map; every key is an input block of the rendered form. */
export function errorsByBlock(errors: FieldError[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const error of errors) {
    const blockId = error.field.scope === 'cluster' ? clusterBlockId(error.field.key) : groupBlockId(error.field.slot, error.field.key);
    out[blockId] ??= clip(error.message, 300);
  }
  return out;
}
