// A request for the dry run (`npm run policy -- test FILE --request REQUEST.json`): what a rule can ask
// of a request, written as JSON (or YAML) — where it comes from, and its body as the approval card's
// "View JSON" shows it. Only the body's fields that rules read are checked (with the API schema's own
// checks for node groups); the rest of it (org, hosted zone, avatar…) may be left out.
import { z } from 'zod';
import { nodeConfigSchema, nodeGroupSchema, PROVIDERS, REGION_PATTERN } from '../domain/clusterImport.js';
import { importFacts, membership, nodeGroupsFacts, type RequestFacts } from '../domain/policyFile/facts.js';
import { problemsFromIssues, readYaml, sortProblems, type Problem } from '../domain/policyFile/yamlPositions.js';

const id = (pattern: RegExp, noun: string) => z.string({ error: `Give ${noun}.` }).regex(pattern, { error: `Give ${noun}.` });
const team = id(/^T[A-Z0-9]{2,}$/, 'the workspace ID (T…)');
const channel = id(/^[CGD][A-Z0-9]{2,}$/, 'a channel ID (C…), or null for a request from no channel');
const user = id(/^[UW][A-Z0-9]{2,}$/, 'the requester’s user ID (U…)');
const group = id(/^S[A-Z0-9]{2,}$/, 'a user group ID (S…)');
const provider = z.enum(PROVIDERS, { error: `Give one of ${PROVIDERS.join(', ')}.` });
const region = z.string().regex(REGION_PATTERN, { error: 'Give a region such as us-west-2, or null.' }).nullable();
const nodeGroups = z.array(nodeGroupSchema, { error: 'nodegroup_labels is the list of node groups.' }).min(1, { error: 'Give at least one node group.' });

const importBody = z.looseObject({
  name: z.string({ error: 'Give the cluster’s name.' }).min(1),
  slug: z.string({ error: 'Give the cluster’s slug.' }).min(1),
  cluster_hosted_on: provider,
  region,
  nodegroup_labels: nodeGroups,
  node_config: nodeConfigSchema.optional(),
});

const nodeGroupsBody = z.looseObject({ nodegroup_labels: nodeGroups });

const requestSchema = z
  .strictObject({
    kind: z.enum(['import', 'node_groups'], { error: 'kind is import or node_groups.' }),
    workspace: team,
    channel: channel.nullable().default(null),
    requester: user,
    /** The groups the requester is in: every other group the policy asks about, they are not. */
    requester_groups: z.array(group).default([]),
    /** For node groups: what is known of the cluster (from its import); each part may be left out. */
    cluster: z.strictObject({ name: z.string().min(1).optional(), slug: z.string().min(1).optional(), provider: provider.optional(), region: region.optional() }).optional(),
    body: z.unknown().refine((v) => typeof v === 'object' && v !== null && !Array.isArray(v), { error: 'Give the request’s body: its JSON, as the approval card’s View JSON shows it.' }),
  })
  .superRefine((request, ctx) => {
    if (request.kind === 'import' && request.cluster !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['cluster'], message: 'An import’s cluster is its body: "cluster" is for node_groups requests.' });
    }
  });

/** The request's facts, with membership of `groups` (those the policy asks about) read from requester_groups; or every problem. */
export function readRequest(text: string, groups: readonly string[]): { ok: true; facts: RequestFacts } | { ok: false; problems: Problem[] } {
  const yaml = readYaml(text);
  if (!yaml.ok) return yaml;
  const { source } = yaml;
  const data: unknown = source.doc.toJS();
  const parsed = requestSchema.safeParse(data);
  // The body is checked by the kind given, even when the rest has problems: every problem at once.
  const kind = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)['kind'] : undefined;
  const rawBody = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)['body'] : undefined;
  const body = kind === 'import' ? importBody.safeParse(rawBody) : kind === 'node_groups' ? nodeGroupsBody.safeParse(rawBody) : undefined;
  const issues = [
    ...(parsed.success ? [] : parsed.error.issues),
    ...(body === undefined || body.success ? [] : body.error.issues.map((issue) => ({ ...issue, path: ['body', ...issue.path] }))),
  ];
  if (!parsed.success || body === undefined || !body.success) return { ok: false, problems: sortProblems(problemsFromIssues(source, issues)) };
  const request = parsed.data;
  const origin = {
    workspace: request.workspace,
    channel: request.channel,
    requester: request.requester,
    requesterGroups: membership(new Set([...groups, ...request.requester_groups]), request.requester_groups),
  };
  if (request.kind === 'import') return { ok: true, facts: importFacts(body.data as z.infer<typeof importBody>, origin) };
  const cluster = request.cluster;
  const known =
    cluster === undefined
      ? null
      : {
          ...(cluster.name === undefined ? {} : { name: cluster.name }),
          ...(cluster.slug === undefined ? {} : { slug: cluster.slug }),
          ...(cluster.provider === undefined ? {} : { provider: cluster.provider }),
          ...(cluster.region === undefined ? {} : { region: cluster.region }),
        };
  return { ok: true, facts: nodeGroupsFacts(body.data, known, origin) };
}
