// One input, read and sorted: the nodes it holds, the node-pool listings, and anything else given by
// mistake (counted by kind, so the refusal can say "this is a list of Pods, not Nodes").
import { readListings } from './listings.js';
import type { InputFormat, NodeFacts, NodeInputRefusal, PoolListing } from './model.js';
import { nodeFromObject, nodeFromRow, type NodeRead } from './nodes.js';
import { readText } from './parse.js';

/** More nodes than Kubernetes supports in one cluster (5000): refused rather than read. */
export const MAX_NODES = 5000;

export interface InputContents {
  format: InputFormat;
  nodes: NodeFacts[];
  /** Node entries that broke Kubernetes' syntax: named (clipped) with why. */
  invalidNodes: Array<{ name: string | undefined; reason: string }>;
  listings: PoolListing[];
  invalidListings: number;
  /** Objects of other kinds (a Pod in a mixed list), by kind. */
  others: Map<string, number>;
  unreadLines: number;
  firstUnread: string | undefined;
}

type Refused = Omit<NodeInputRefusal, 'input'>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const KIND = /^[A-Z][A-Za-z0-9]{0,62}$/;

function kindOf(value: unknown): string {
  const kind = isRecord(value) ? value['kind'] : undefined;
  return typeof kind === 'string' && KIND.test(kind) ? kind : 'unknown';
}

export function plural(kind: string, count: number): string {
  if (count === 1) return kind;
  if (kind === 'unknown') return 'objects of no known kind';
  if (/(?:s|x|ch|sh)$/.test(kind)) return `${kind}es`;
  if (/[^aeiou]y$/.test(kind)) return `${kind.slice(0, -1)}ies`;
  return `${kind}s`;
}

function list(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1] ?? ''}`;
}

/** "This is a list of Pods, not Nodes", for what was given instead of nodes. */
function wrongKind(others: ReadonlyMap<string, number>, listed: boolean): Refused {
  const entries = [...others.entries()].sort((a, b) => b[1] - a[1]);
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  const single = total === 1 && !listed;
  const what = single ? `a ${entries[0]?.[0] ?? 'object'}, not a Node` : `a list of ${list(entries.slice(0, 3).map(([kind, n]) => plural(kind, Math.max(2, n))))}, not Nodes`;
  return {
    ok: false,
    code: 'wrong_kind',
    message: `This is ${what}: run \`kubectl get nodes -o json\` (or a node-pool listing such as \`gcloud container node-pools list --format=json\`).`,
  };
}

/** Reads one input into its nodes and listings, or says why it cannot. */
export function readInput(text: string): InputContents | Refused {
  const reading = readText(text);
  if (!reading.ok) return reading;
  const contents: InputContents = {
    format: reading.kind === 'table' ? 'kubectl-show-labels' : reading.kind === 'yaml' ? 'kubectl-yaml' : 'kubectl-json',
    nodes: [],
    invalidNodes: [],
    listings: [],
    invalidListings: 0,
    others: new Map(),
    unreadLines: 0,
    firstUnread: undefined,
  };
  const tooMany = (): Refused => ({
    ok: false,
    code: 'too_many_nodes',
    message: `This holds more than ${MAX_NODES} nodes, more than Kubernetes supports in one cluster; it was not read.`,
  });
  const add = (read: NodeRead): boolean => {
    if (read.ok) contents.nodes.push(read.node);
    else contents.invalidNodes.push({ name: read.name, reason: read.reason });
    return contents.nodes.length + contents.invalidNodes.length <= MAX_NODES;
  };
  if (reading.kind === 'table') {
    if (reading.rows.length > MAX_NODES) return tooMany();
    for (const row of reading.rows) add(nodeFromRow(row));
    contents.unreadLines = reading.unread;
    contents.firstUnread = reading.firstUnread;
    return contents;
  }
  const format = contents.format;
  let listed = false;
  const other = (value: unknown) => {
    const kind = kindOf(value);
    contents.others.set(kind, (contents.others.get(kind) ?? 0) + 1);
  };
  const item = (value: unknown, listKind: string | undefined): boolean => {
    if (isRecord(value) && (value['kind'] === 'Node' || (listKind === 'NodeList' && value['kind'] === undefined))) return add(nodeFromObject(value, format));
    const listings = readListings(value);
    if (listings !== undefined) {
      contents.listings.push(...listings.listings);
      contents.invalidListings += listings.invalid;
    } else other(value);
    return true;
  };
  for (const document of reading.documents) {
    if (isRecord(document) && Array.isArray(document['items']) && (document['kind'] === 'List' || kindOf(document).endsWith('List'))) {
      listed = true;
      const listKind = kindOf(document);
      if (document['items'].length > MAX_NODES) return tooMany();
      for (const value of document['items']) if (!item(value, listKind)) return tooMany();
    } else if (Array.isArray(document) && document.length > 0 && document.every((v) => isRecord(v) && v['kind'] === 'Node')) {
      if (document.length > MAX_NODES) return tooMany();
      for (const value of document) if (!add(nodeFromObject(value as Record<string, unknown>, format))) return tooMany();
    } else if (!item(document, undefined)) return tooMany();
  }
  if (contents.nodes.length === 0 && contents.invalidNodes.length === 0 && contents.listings.length === 0) {
    if (contents.others.size > 0 && !(contents.others.size === 1 && contents.others.has('unknown'))) return wrongKind(contents.others, listed);
    if (listed && contents.others.size === 0) {
      return { ok: false, code: 'wrong_kind', message: 'This list is empty: the cluster (or the namespace and context it was run against) returned no nodes.' };
    }
    return {
      ok: false,
      code: 'unrecognised',
      message:
        'This is neither nodes nor a node-pool listing the bot knows. Paste what `kubectl get nodes -o json` prints, or `aws eks describe-nodegroup`, `eksctl get nodegroup -o json`, `gcloud container node-pools list --format=json`, `az aks nodepool list -o json`, or Karpenter NodePools as YAML.',
    };
  }
  if (contents.nodes.length === 0 && contents.listings.length > 0) contents.format = contents.listings[0]?.format ?? contents.format;
  return contents;
}
