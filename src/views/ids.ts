// Every callback_id, action_id and block_id the bot uses, and the events it subscribes to, in one place:
// listeners match on them, the middleware knows them from here, and views.update keeps typed values
// only when they are stable.
import type { ClusterField, GroupField } from '../domain/importForm.js';

export const CALLBACK = {
  importModal: 'import_cluster',
  connectModal: 'connect_workspace',
  policyModal: 'approval_policy',
  rejectModal: 'reject_import',
  nodeGroupsModal: 'add_node_groups',
  referencesModal: 'workspace_references',
  /** The small modal "Fill from my nodes" pushes over the import or node-groups form. */
  fillFromNodes: 'fill_from_nodes',
} as const;

export const ACTION = {
  provider: 'provider_select',
  serviceType: 'service_type_select',
  addNodeGroup: 'nodegroup_add',
  showMoreSettings: 'more_settings_show',
  removeNodeGroup: 'nodegroup_remove',
  acceleratorType: 'accelerator_type',
  /** "Fill from my nodes" in a form's node-group editor: pushes the modal that reads kubectl output. */
  fillFromNodes: 'nodegroup_fill_from_nodes',
  editAndRetry: 'request_edit',
  approve: 'request_approve',
  reject: 'request_reject',
  cancel: 'request_cancel',
  viewPayload: 'request_view_payload',
  addNodeGroups: 'cluster_add_node_groups',
  importSimilar: 'request_import_similar',
  /** A menu of named values with "Other (UUID)…": choosing re-renders the form (to show the UUID field). */
  namedChoice: 'named_choice',
  homeImport: 'home_import',
  homeConnect: 'home_connect',
  homeDisconnect: 'home_disconnect',
  homePolicy: 'home_policy',
} as const;

/** Global shortcuts (manifest.yml `features.shortcuts`, the same callback ids). */
export const SHORTCUT = {
  importCluster: 'import_cluster_shortcut',
} as const;

/** The Events API events the bot subscribes to (manifest.yml `settings.event_subscriptions.bot_events`). */
export const EVENT = {
  appHomeOpened: 'app_home_opened',
  appUninstalled: 'app_uninstalled',
  tokensRevoked: 'tokens_revoked',
  /** A Workflow Builder step of this app runs (listened to with app.function, per step callback id). */
  functionExecuted: 'function_executed',
} as const;

/** Plain input action ids (not routed to listeners; read from view.state). */
export const INPUT_ACTION = 'value';

export function clusterBlockId(field: ClusterField): string {
  return `cluster_${field}`;
}

export function groupBlockId(slot: number, field: GroupField): string {
  return `ng_${slot}_${field}`;
}

export function groupHeaderBlockId(slot: number): string {
  return `ng_${slot}_header`;
}

/** The menu that offers a field's named values (hosted zones, secrets), above its typed UUID input. */
export function namedBlockId(field: ClusterField): string {
  return `cluster_${field}_name`;
}

/** The menu of one category's named cluster tools. */
export function toolsBlockId(category: string): string {
  return `${TOOLS_BLOCK_PREFIX}${category}`;
}
export const TOOLS_BLOCK_PREFIX = 'tools_';

export const NODE_GROUP_ACTIONS_BLOCK = 'nodegroup_actions';
export const MORE_SETTINGS_BLOCK = 'more_settings';

export const CONNECT_BLOCK = {
  token: 'connect_token',
  org: 'connect_org',
  hostedZone: 'connect_hosted_zone',
  secretId: 'connect_secret_id',
} as const;

export const POLICY_BLOCK = {
  required: 'policy_required',
  users: 'policy_users',
  groups: 'policy_groups',
  approvalsNeeded: 'policy_approvals_needed',
  expiryHours: 'policy_expiry_hours',
  channel: 'policy_channel',
  nodeGroups: 'policy_node_groups',
} as const;

export const REJECT_BLOCK = { reason: 'reject_reason' } as const;

export const NODE_GROUPS_BLOCK = {
  /** The menu of the workspace's clusters (with "Other (UUID)…"). */
  cluster: 'ngf_cluster',
  /** The cluster's UUID, typed. */
  clusterId: 'ngf_cluster_uuid',
  org: 'ngf_org',
} as const;

/** The inputs of the "Fill from my nodes" modal: the pasted text and the attached files. */
export const FILL_BLOCK = {
  text: 'fill_text',
  files: 'fill_files',
} as const;

export const REFERENCES_BLOCK = {
  hostedZones: 'refs_hosted_zones',
  secrets: 'refs_secrets',
  tools: 'refs_tools',
} as const;
