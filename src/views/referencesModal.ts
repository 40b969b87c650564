// The names a workspace gives its UUIDs (references.ts), shown: the admins' form (one text per kind,
// a name per line), its reading, the confirmation; and the list anyone gets from `/simplismart references`.
import type { ModalView } from '@slack/types';
import { REFERENCE_LIMITS, referencesToText, toolCategories, type NamedReference, type ReferencesText, type StoredReference } from '../domain/references.js';
import { code, context, escapedWithin, plain, section, slackDate, SLACK_LIMITS, textInput, userMention } from './blocks.js';
import { CALLBACK, INPUT_ACTION, REFERENCES_BLOCK } from './ids.js';
import { message, sectionsFor, slackMessage, type SlackMessage } from './message.js';
import { ModalState, type ViewStateValues } from './modalState.js';

export function referencesModal(references: readonly NamedReference[]): ModalView {
  const text = referencesToText(references);
  const field = (blockId: string, label: string, value: string, placeholder: string, hint: string) =>
    textInput({ blockId, actionId: INPUT_ACTION, label, value, optional: true, multiline: true, maxLength: REFERENCE_LIMITS.textLength, placeholder, hint });
  return {
    type: 'modal',
    callback_id: CALLBACK.referencesModal,
    title: plain('Names for UUIDs', SLACK_LIMITS.modalTitle),
    submit: plain('Save', SLACK_LIMITS.modalButton),
    close: plain('Cancel', SLACK_LIMITS.modalButton),
    blocks: [
      section(
        'Name the hosted zones, secrets and cluster-tool catalogs of your Simplismart organisation once: the import form then offers them by name instead of asking for UUIDs. Requests keep the UUIDs they were sent with, whatever you change here.',
      ),
      field(REFERENCES_BLOCK.hostedZones, 'Hosted zones', text.hostedZones, 'Production zone = b13c6a8a-6e9a-4bb9-8a0c-0db8c1a5a63f', `One per line: Name = UUID. At most ${REFERENCE_LIMITS.perKind}.`),
      field(REFERENCES_BLOCK.secrets, 'Secrets (kubeconfigs)', text.secrets, 'prod-eks kubeconfig = 9d1a0a51-9af6-4c6f-90ab-1a8b54e2b7b1', `One per line: Name = UUID of the secret holding the cluster’s kubeconfig. At most ${REFERENCE_LIMITS.perKind}.`),
      field(
        REFERENCES_BLOCK.tools,
        'Cluster-tool catalogs',
        text.tools,
        'MONITORING: Prometheus = 0b6f2a4c-1d3e-4f5a-8b7c-9d0e1f2a3b4c\nASYNC TOOLS: Redis = 1c7a3b5d-2e4f-4a6b-9c8d-0e1f2a3b4c5d',
        `One per line: CATEGORY: Name = catalog UUID (categories such as MONITORING, ASYNC TOOLS, TRAINING). At most ${REFERENCE_LIMITS.toolCategories} categories: each is a menu in the import form.`,
      ),
      context('Only workspace admins can change these; anyone can read them with `/simplismart references`.'),
    ],
  };
}

export function readReferencesForm(values: ViewStateValues): ReferencesText {
  const state = new ModalState(values);
  return { hostedZones: state.text(REFERENCES_BLOCK.hostedZones), secrets: state.text(REFERENCES_BLOCK.secrets), tools: state.text(REFERENCES_BLOCK.tools) };
}

/** The form's text fields → their blocks, for `response_action: errors`. */
export const REFERENCES_TEXT_BLOCK: Record<keyof ReferencesText, string> = {
  hostedZones: REFERENCES_BLOCK.hostedZones,
  secrets: REFERENCES_BLOCK.secrets,
  tools: REFERENCES_BLOCK.tools,
};

export function referencesSavedModal(references: readonly NamedReference[]): ModalView {
  const count = (kind: NamedReference['kind']) => references.filter((r) => r.kind === kind).length;
  return {
    type: 'modal',
    title: plain('Names saved', SLACK_LIMITS.modalTitle),
    close: plain('Done', SLACK_LIMITS.modalButton),
    blocks: [
      section(
        `:label: Saved: ${count('hosted_zone')} hosted zone${plural(count('hosted_zone'))}, ${count('secret')} secret${plural(count('secret'))} and ${count('tool')} tool${plural(count('tool'))} in ${toolCategories(references).length} categor${toolCategories(references).length === 1 ? 'y' : 'ies'}. The import form offers them by name from now on.`,
      ),
    ],
  };
}

function plural(n: number): string {
  return n === 1 ? '' : 's';
}

/** What `/simplismart references` shows: every name and its UUID, by kind and category. */
export function referencesMessage(references: readonly StoredReference[], canEdit: boolean): SlackMessage {
  const change = canEdit ? ' Change them with `/simplismart references`.' : ' Workspace admins can name them with `/simplismart references`.';
  if (references.length === 0) return message(`:label: No hosted zones, secrets or tool catalogs are named in this workspace yet: the import form asks for their UUIDs.${change}`);
  const line = (r: NamedReference) => `• ${r.kind === 'tool' ? `${escapedWithin(r.category, 40)}: ` : ''}*${escapedWithin(r.name, 100)}* → ${code(r.uuid)}`;
  const lines = [
    '*Hosted zones*',
    ...references.filter((r) => r.kind === 'hosted_zone').map(line),
    '*Secrets (kubeconfigs)*',
    ...references.filter((r) => r.kind === 'secret').map(line),
    '*Cluster-tool catalogs*',
    ...references.filter((r) => r.kind === 'tool').map(line),
  ];
  const latest = references.reduce((a, b) => (b.updatedAt > a.updatedAt ? b : a));
  const bottom = context(`Last changed by ${userMention(latest.updatedBy)} on ${slackDate(latest.updatedAt)}.${change}`);
  return slackMessage(`Named references: ${references.length}`, [...sectionsFor(lines, [bottom]), bottom]);
}
