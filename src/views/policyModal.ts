// The approval policy form (admins), its reading and checking, and the confirmation that follows.
import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { describeExpiry, NODE_GROUPS_APPROVAL, POLICY_LIMITS, type ApprovalPolicy, type NodeGroupsApproval } from '../domain/approvalPolicy.js';
import { approverMentions, channelMention, checkbox, context, input, numberInput, option, plain, section, SLACK_LIMITS } from './blocks.js';
import { CALLBACK, INPUT_ACTION, POLICY_BLOCK } from './ids.js';
import { ModalState, type ViewStateValues } from './modalState.js';

export interface UserGroupChoice {
  id: string;
  handle: string;
  name: string;
}

const REQUIRED_OPTION = option('Require approval before an import runs', 'required');

/** How each choice for adding node groups reads, in the form and after. */
export const NODE_GROUPS_APPROVAL_LABELS: Record<NodeGroupsApproval, string> = {
  same: 'As imports (the default)',
  required: 'Always need approval',
  not_required: 'Never need approval',
};
const nodeGroupsOption = (choice: NodeGroupsApproval): PlainTextOption => option(NODE_GROUPS_APPROVAL_LABELS[choice], choice);

export function policyModal(policy: ApprovalPolicy, groups: readonly UserGroupChoice[]): ModalView {
  const groupOption = (g: UserGroupChoice): PlainTextOption => option(`@${g.handle} (${g.name})`, g.id);
  const knownGroups = groups.slice(0, 100);
  const initialGroups = knownGroups.filter((g) => policy.approverGroupIds.includes(g.id)).map(groupOption);
  const blocks: KnownBlock[] = [
    checkbox({ blockId: POLICY_BLOCK.required, actionId: INPUT_ACTION, label: 'Approval', option: REQUIRED_OPTION, checked: policy.required }),
    input({
      blockId: POLICY_BLOCK.users,
      label: 'Approvers',
      optional: true,
      hint: 'People who may approve. A requester never approves their own import: if only one person can approve, their own imports need a second approver.',
      element: {
        type: 'multi_users_select',
        action_id: INPUT_ACTION,
        max_selected_items: POLICY_LIMITS.approvers,
        placeholder: plain('Choose people'),
        ...(policy.approverUserIds.length > 0 ? { initial_users: policy.approverUserIds } : {}),
      },
    }),
  ];
  if (knownGroups.length > 0) {
    blocks.push(
      input({
        blockId: POLICY_BLOCK.groups,
        label: 'Approver user groups',
        optional: true,
        hint: 'Members are looked up when someone clicks Approve, so joining or leaving a group takes effect at once.',
        element: {
          type: 'multi_static_select',
          action_id: INPUT_ACTION,
          max_selected_items: POLICY_LIMITS.groups,
          placeholder: plain('Choose user groups'),
          options: knownGroups.map(groupOption),
          ...(initialGroups.length > 0 ? { initial_options: initialGroups } : {}),
        },
      }),
    );
  }
  blocks.push(
    numberInput({
      blockId: POLICY_BLOCK.approvalsNeeded,
      actionId: INPUT_ACTION,
      label: 'Approvals needed',
      value: String(policy.approvalsNeeded),
      min: POLICY_LIMITS.approvalsNeeded.min,
      max: POLICY_LIMITS.approvalsNeeded.max,
    }),
    numberInput({
      blockId: POLICY_BLOCK.expiryHours,
      actionId: INPUT_ACTION,
      label: 'Requests expire after (hours)',
      hint: 'A request nobody approves in time expires; its requester can submit it again from the card.',
      decimal: true,
      min: POLICY_LIMITS.expirySeconds.min / 3600,
      max: POLICY_LIMITS.expirySeconds.max / 3600,
      // A stored value outside the bounds is shown clamped to them (rather than left out).
      value: String(Math.round((clampExpiry(policy.expirySeconds) / 3600) * 100) / 100),
    }),
    input({
      blockId: POLICY_BLOCK.nodeGroups,
      label: 'Adding node groups to a cluster',
      hint: 'Whether adding node groups (/simplismart nodegroups) waits for the same approvers as an import.',
      element: {
        type: 'radio_buttons',
        action_id: INPUT_ACTION,
        options: NODE_GROUPS_APPROVAL.map(nodeGroupsOption),
        initial_option: nodeGroupsOption(policy.nodeGroupsApproval),
      },
    }),
    input({
      blockId: POLICY_BLOCK.channel,
      label: 'Approvals channel',
      optional: true,
      hint: 'Where approval cards are posted. Leave empty to post them in each request’s own thread.',
      element: {
        type: 'conversations_select',
        action_id: INPUT_ACTION,
        placeholder: plain('Choose a channel'),
        filter: { include: ['public', 'private'], exclude_bot_users: true },
        ...(policy.approvalsChannelId === null ? {} : { initial_conversation: policy.approvalsChannelId }),
      },
    }),
    context('Only workspace admins can change this; everyone can read it with `/simplismart approvals`.'),
  );
  return {
    type: 'modal',
    callback_id: CALLBACK.policyModal,
    title: plain('Import approvals', SLACK_LIMITS.modalTitle),
    submit: plain('Save', SLACK_LIMITS.modalButton),
    close: plain('Cancel', SLACK_LIMITS.modalButton),
    blocks,
  };
}

export type PolicyFormResult = { ok: true; policy: ApprovalPolicy } | { ok: false; errors: Record<string, string> };

export function readPolicyForm(values: ViewStateValues): PolicyFormResult {
  const state = new ModalState(values);
  const errors: Record<string, string> = {};
  const required = state.chosen(POLICY_BLOCK.required).includes('required');
  const users = [...new Set(state.users(POLICY_BLOCK.users))].filter((u) => /^[UW][A-Z0-9]+$/.test(u));
  const groups = [...new Set(state.chosen(POLICY_BLOCK.groups))].filter((g) => /^S[A-Z0-9]+$/.test(g));
  const neededText = state.text(POLICY_BLOCK.approvalsNeeded).trim();
  const needed = /^\d+$/.test(neededText) ? Number(neededText) : NaN;
  const hoursText = state.text(POLICY_BLOCK.expiryHours).trim();
  const hours = /^\d+(\.\d+)?$/.test(hoursText) ? Number(hoursText) : NaN;
  const channel = state.conversation(POLICY_BLOCK.channel);
  const nodeGroupsChoice = state.text(POLICY_BLOCK.nodeGroups);
  const nodeGroupsApproval = NODE_GROUPS_APPROVAL.find((c) => c === nodeGroupsChoice) ?? 'same';
  // Approvers are needed as soon as any request waits for them.
  const anyApproval = required || nodeGroupsApproval === 'required';

  const { approvalsNeeded: n, expirySeconds: e } = POLICY_LIMITS;
  if (!Number.isInteger(needed) || needed < n.min || needed > n.max) {
    errors[POLICY_BLOCK.approvalsNeeded] = `Enter a whole number from ${n.min} to ${n.max}.`;
  }
  const expirySeconds = Math.round(hours * 3600);
  if (!Number.isFinite(hours) || expirySeconds < e.min || expirySeconds > e.max) {
    errors[POLICY_BLOCK.expiryHours] = `Enter between ${e.min / 3600} and ${e.max / 3600} hours.`;
  }
  if (users.length > POLICY_LIMITS.approvers) errors[POLICY_BLOCK.users] = `Choose at most ${POLICY_LIMITS.approvers} people.`;
  if (anyApproval && users.length === 0 && groups.length === 0) {
    errors[POLICY_BLOCK.users] = required
      ? 'Choose at least one approver (or a user group), or untick “Require approval”.'
      : 'Adding node groups always needs approval: choose at least one approver (or a user group), or change that choice.';
  } else if (anyApproval && groups.length === 0 && Number.isInteger(needed) && needed > users.length) {
    errors[POLICY_BLOCK.approvalsNeeded] = `Only ${users.length} approver${users.length === 1 ? ' is' : 's are'} chosen, so at most ${users.length} approval${users.length === 1 ? '' : 's'} can be needed.`;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    policy: {
      required,
      approverUserIds: users,
      approverGroupIds: groups,
      approvalsNeeded: needed,
      expirySeconds,
      approvalsChannelId: channel !== null && /^[CG][A-Z0-9]+$/.test(channel) ? channel : null,
      nodeGroupsApproval,
    },
  };
}

export function policySavedModal(policy: ApprovalPolicy): ModalView {
  const lines: string[] = [];
  if (!policy.required) {
    lines.push(':unlock: Saved. Imports run straight away, without approval.');
    if (policy.nodeGroupsApproval === 'required') {
      const who = approverMentions(policy.approverUserIds, policy.approverGroupIds, 2000);
      lines.push(`:lock: Adding node groups to a cluster needs ${policy.approvalsNeeded} approval${policy.approvalsNeeded === 1 ? '' : 's'} from ${who}.`);
    }
  } else {
    const who = approverMentions(policy.approverUserIds, policy.approverGroupIds, 2000);
    lines.push(
      `:lock: Saved. Each import now needs ${policy.approvalsNeeded} approval${policy.approvalsNeeded === 1 ? '' : 's'} from ${who}, and expires after ${describeExpiry(policy.expirySeconds)}.`,
      `Approval cards go to ${policy.approvalsChannelId === null ? 'each request’s thread' : channelMention(policy.approvalsChannelId)}.`,
      policy.nodeGroupsApproval === 'not_required' ? 'Adding node groups to a cluster runs straight away, without approval.' : 'Adding node groups to a cluster needs the same approval.',
    );
    if (policy.approverGroupIds.length === 0 && policy.approverUserIds.length <= policy.approvalsNeeded) {
      lines.push(
        `:warning: Requesters never approve their own imports: an import requested by ${policy.approverUserIds.length === 1 ? 'the only approver' : 'one of these approvers'} will need another approver. Add one so those can pass.`,
      );
    }
  }
  return {
    type: 'modal',
    title: plain('Import approvals', SLACK_LIMITS.modalTitle),
    close: plain('Done', SLACK_LIMITS.modalButton),
    blocks: lines.map((l) => section(l)),
  };
}

function clampExpiry(seconds: number): number {
  const { min, max } = POLICY_LIMITS.expirySeconds;
  return Math.min(max, Math.max(min, seconds));
}

