// How each kind of request is worded: what it is called, its one-line summary, its states' labels
// where they differ from an import's, the fields its approval card leads with. Every message about a
// request (status, steps, card, outcome, history) is written once, with the words of its kind.
import { LIMITS, type ImportClusterBody } from '../domain/clusterImport.js';
import { STATE_LABELS, type ImportRequest, type RequestState } from '../domain/importRequest.js';
import { bodyOf, bodyOfKind, type RequestKind } from '../domain/requestKinds.js';
import { clip, code, escapedWithin, escapeMrkdwn, listWithin } from './blocks.js';

type Request = Pick<ImportRequest, 'kind' | 'payload' | 'cluster'>;

export interface KindWords {
  /** What approvers decide on: "Approve this import?", "this node-group change". */
  noun: string;
  plural: string;
  /** What the requester wants to do: "wants to import …", "wants to add …". */
  verb: string;
  /** "is importing …", "is adding …". */
  gerund: string;
  /** "Alice’s import of …", "Alice’s request to add …". */
  nounPhrase(summary: string): string;
  /** mrkdwn, one line: `*Prod* (aws · us-west-2 · 2 node groups)`, `2 node groups (`a`, `b`) to *Prod*`. */
  summary(request: Request): string;
  /** Plain (escaped), for notification texts: the cluster imported, or the cluster changed. */
  title(request: Request): string;
  /** mrkdwn, short, for lists: `*Prod*`, `2 node groups (…) to *Prod*`. */
  shortName(request: Request): string;
  /** Plain: what the approval card's notification says is to be approved. */
  cardTitle(request: Request): string;
  /** The outcome's title when it failed: "Import failed". */
  failedTitle: string;
  /** The submitted form's title when nothing waits for approval (at most 24 characters). */
  startedTitle: string;
  /** The confirmation before retrying a request that may have gone through. */
  retryCheck: { title: string; text: string };
  /** The states it names otherwise than an import does. */
  labels: Partial<Record<RequestState, string>>;
  /** The approval card's first fields (the requester, expiry, progress and org follow). */
  cardFields(request: Request): Array<[string, string]>;
  /** What the Approve button's confirmation says will happen. */
  approveConfirm(request: Request): string;
  /** The thread's line as the request is sent. */
  sendingLine: string;
  /** What the requester is told once they cancelled. */
  nothingWillHappen: string;
}

/** `*Production Cluster* (aws · us-west-2 · 2 node groups)` */
export function clusterSummary(body: ImportClusterBody): string {
  const parts = [body.cluster_hosted_on, body.region, groupCount(body.nodegroup_labels.length)];
  return `*${escapeMrkdwn(body.name)}* (${parts.filter((p): p is string => p !== null).map(escapeMrkdwn).join(' · ')})`;
}

function groupCount(n: number): string {
  return `${n} node group${n === 1 ? '' : 's'}`;
}

/** The cluster a change is made to: its name when the bot imported it, else its UUID. */
export function clusterLabel(request: Pick<ImportRequest, 'cluster'>): string {
  const cluster = request.cluster;
  if (cluster === null) return 'a cluster';
  return cluster.name === null ? `cluster ${code(clip(cluster.id, 60))}` : `*${escapedWithin(cluster.name, LIMITS.nameLength)}*`;
}

function importBody(request: Request): ImportClusterBody {
  return bodyOfKind(request, 'import_cluster');
}

const IMPORT: KindWords = {
  noun: 'import',
  plural: 'imports',
  verb: 'import',
  gerund: 'importing',
  nounPhrase: (summary) => `import of ${summary}`,
  summary: (request) => clusterSummary(importBody(request)),
  title: (request) => escapeMrkdwn(importBody(request).name),
  shortName: (request) => `*${escapedWithin(importBody(request).name, 60)}*`,
  cardTitle: (request) => `${escapeMrkdwn(importBody(request).name)} (${importBody(request).cluster_hosted_on})`,
  failedTitle: 'Import failed',
  startedTitle: 'Import started',
  retryCheck: { title: 'Retry this import?', text: 'Check the Simplismart console first: if the cluster is already there, retrying can import it twice.' },
  labels: {},
  cardFields: (request) => {
    const body = importBody(request);
    return [
      ['Provider', escapeMrkdwn(body.cluster_hosted_on)],
      ['Region', body.region === null ? '—' : escapeMrkdwn(body.region)],
    ];
  },
  approveConfirm: (request) =>
    `Simplismart will take control of the cluster *${escapedWithin(importBody(request).name, 100)}*. The JSON that is sent is exactly what “View JSON” shows.`,
  sendingLine: ':arrows_counterclockwise: Importing: sending the request to Simplismart…',
  nothingWillHappen: 'Nothing will be imported.',
};

const ADD_NODE_GROUPS: KindWords = {
  noun: 'node-group change',
  plural: 'node-group changes',
  verb: 'add',
  gerund: 'adding',
  nounPhrase: (summary) => `request to add ${summary}`,
  summary: (request) => {
    const names = bodyOf(request).body.nodegroup_labels.map((g) => code(clip(g.name, LIMITS.nodeGroupNameLength)));
    return `${groupCount(names.length)} (${listWithin(names, 300)}) to ${clusterLabel(request)}`;
  },
  title: (request) => escapeMrkdwn(request.cluster?.name ?? request.cluster?.id ?? 'a cluster'),
  shortName: (request) => ADD_NODE_GROUPS.summary(request),
  cardTitle: (request) => `node groups for ${escapeMrkdwn(request.cluster?.name ?? request.cluster?.id ?? 'a cluster')}`,
  failedTitle: 'Adding node groups failed',
  startedTitle: 'Adding node groups',
  retryCheck: {
    title: 'Retry these node groups?',
    text: 'Check the cluster in the Simplismart console first: if the node groups are already there, retrying is refused or adds them twice.',
  },
  labels: { importing: 'Adding node groups', succeeded: 'Node groups added' },
  cardFields: (request) => [
    ['Cluster', request.cluster?.name === null || request.cluster?.name === undefined ? '_imported elsewhere_' : escapedWithin(request.cluster.name, LIMITS.nameLength)],
    ['Cluster UUID', code(clip(request.cluster?.id ?? '', 60))],
  ],
  approveConfirm: (request) =>
    `Simplismart will add these node groups to ${clusterLabel(request)}. The JSON that is sent is exactly what “View JSON” shows.`,
  sendingLine: ':arrows_counterclockwise: Adding the node groups: sending the request to Simplismart…',
  nothingWillHappen: 'No node group will be added.',
};

export const KIND_WORDS: Readonly<Record<RequestKind, KindWords>> = { import_cluster: IMPORT, add_node_groups: ADD_NODE_GROUPS };

export function wordsOf(request: Pick<ImportRequest, 'kind'>): KindWords {
  return KIND_WORDS[request.kind];
}

/** The state as this kind names it ("Imported", "Node groups added"). */
export function stateLabel(request: Pick<ImportRequest, 'kind' | 'state'>): string {
  return KIND_WORDS[request.kind].labels[request.state] ?? STATE_LABELS[request.state];
}

/** "importing" → "Importing". */
export function capitalised(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}
