// The policy file applied to a request (when POLICY_FILE is set): its facts — the body, where it comes
// from, the requester's membership of the groups the file asks about, what the bot knows of the cluster
// node groups are added to — evaluated against the policy in force. Called by ImportRequests.submit, the
// one place requests are created, so every entry point (forms, Workflow Builder steps) meets the same
// rules; also by the form's preview and the dry run.
//
// Group membership is asked of Slack with the workspace's own bot token (usergroups.users.list) and kept
// a minute: a form's changes and its submit ask about the same groups within seconds, and usergroups
// calls are tier 2. A lookup that fails leaves the group unknown, which no rule matches on (evaluate.ts):
// the next rule decides, never an error in the person's face.
import type { WebClient } from '@slack/web-api';
import { eligibleApproverCount } from '../domain/approvalPolicy.js';
import { PROVIDERS, type Provider } from '../domain/clusterImport.js';
import type { ApprovalRequirement } from '../domain/importRequest.js';
import { evaluate, groupsToResolve, type Evaluation } from '../domain/policyFile/evaluate.js';
import { importFacts, membership, nodeGroupsFacts, type KnownCluster, type RequestFacts, type RequestOrigin } from '../domain/policyFile/facts.js';
import { requirementOf, type Policy } from '../domain/policyFile/policy.js';
import { recordOf, type PolicyRecord } from '../domain/policyFile/record.js';
import { describeEvaluation } from '../domain/policyFile/words.js';
import type { Workspace } from '../domain/workspace.js';
import { evaluationMrkdwn, POLICY_PENDING_NOTE } from '../views/policyRule.js';
import { AppError } from '../errors.js';
import type { Logger } from '../process/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Clock } from './clock.js';
import type { Clusters } from './clusters.js';
import type { Asked } from './importRequests.js';
import type { PolicyFile } from './policyFile.js';
import { checkPolicyNames } from './policyNames.js';
import { groupMembers } from './slackDirectory.js';

/**
 * The policy file refused the request (a `deny` rule, or approvals no one could give): nothing is
 * stored and nothing reaches Simplismart. `message` is for the person, as the form shows it inline.
 */
export class RequestDeniedError extends AppError {
  constructor(
    message: string,
    readonly evaluation: Evaluation,
  ) {
    super('policy_denied', message);
  }
}

/** What the policy file decided for a request that may be stored: frozen into it. */
export interface PolicyDecision {
  evaluation: Evaluation;
  record: PolicyRecord;
  requirement: ApprovalRequirement | null;
  /** How long it may wait for approval (when it does). */
  expirySeconds: number;
}

/** A request as the policy sees it: what it asks, who asks and from where. */
export type PolicyQuestion = Asked & { teamId: string; enterpriseId: string | null; userId: string; channelId: string };

/** How long a group's members are kept between lookups. */
export const MEMBERSHIP_TTL_MS = 60_000;

export class RequestPolicy {
  /** Workspace and file version pairs whose named groups and channels were checked against Slack. */
  readonly #checked = new Set<string>();
  readonly #groupCache = new Map<string, { at: number; members: Promise<readonly string[] | undefined> }>();

  constructor(
    private readonly deps: {
      file: PolicyFile | undefined;
      clusters: Clusters;
      slackFor: (workspace: Workspace) => Promise<WebClient>;
      clock: Clock;
      logger: Logger;
      metrics?: Metrics | undefined;
    },
  ) {}

  /** The policy file, when one is configured: it pins the policy (the Slack-set one is not used). */
  get file(): PolicyFile | undefined {
    return this.deps.file;
  }

  /** The request's facts under `policy`: membership looked up only for the groups its rules ask about here. */
  async facts(question: PolicyQuestion, policy: Policy): Promise<RequestFacts> {
    const groups = groupsToResolve(policy, question.teamId);
    const member = await this.#memberOf(question, groups);
    const origin: RequestOrigin = {
      workspace: question.teamId,
      // The App Home and the global shortcut carry the person's own ID: asked from no channel.
      channel: /^[CGD]/.test(question.channelId) ? question.channelId : null,
      requester: question.userId,
      requesterGroups: member,
    };
    if (question.kind === 'import_cluster') return importFacts(question.body, origin);
    return nodeGroupsFacts(question.body, await this.#knownCluster(question.teamId, question.cluster.id, question.cluster.name), origin);
  }

  /** What the file says of the request, without deciding anything (the form's preview, the dry run); undefined without a file. */
  async evaluate(question: PolicyQuestion): Promise<Evaluation | undefined> {
    const file = this.deps.file;
    if (file === undefined) return undefined;
    const { policy } = file.inForce;
    return evaluate(policy, await this.facts(question, policy));
  }

  /**
   * What a form says on top about the policy file, from what it holds now (`question`; undefined while
   * it is incomplete); undefined without a file. A lookup that fails says nothing rather than fail the form.
   */
  async previewNote(question: PolicyQuestion | undefined): Promise<string | undefined> {
    if (this.deps.file === undefined) return undefined;
    if (question === undefined) return POLICY_PENDING_NOTE;
    try {
      const evaluation = await this.evaluate(question);
      return evaluation === undefined ? undefined : evaluationMrkdwn(evaluation);
    } catch (error) {
      this.deps.logger.warn({ err: error, teamId: question.teamId }, 'could not preview the policy file’s rule for a form');
      return POLICY_PENDING_NOTE;
    }
  }

  /**
   * The decision frozen into the request, or undefined without a policy file (the Slack-set policy
   * decides). Throws RequestDeniedError for a request the file refuses, or whose approvals could never
   * be given (fewer eligible approvers than it needs: the requester never approves their own).
   */
  async decide(question: PolicyQuestion): Promise<PolicyDecision | undefined> {
    const file = this.deps.file;
    if (file === undefined) return undefined;
    // One read of the policy in force for the whole decision: a reload meanwhile does not mix two.
    const { policy, path } = file.inForce;
    this.#checkNamesOnce(question, policy);
    const evaluation = evaluate(policy, await this.facts(question, policy));
    const { outcome } = evaluation;
    this.deps.metrics?.policyDecided(question.kind, outcome.kind);
    if (outcome.kind === 'deny') {
      this.deps.logger.info({ teamId: question.teamId, userId: question.userId, kind: question.kind, rule: evaluation.rule, hash: policy.hash }, 'request refused by the policy file');
      throw new RequestDeniedError(describeEvaluation(evaluation), evaluation);
    }
    const requirement = requirementOf(outcome);
    if (requirement !== null) await this.#reachable(question, requirement, evaluation);
    return {
      evaluation,
      record: recordOf(evaluation, policy.hash, path),
      requirement,
      expirySeconds: outcome.kind === 'require' ? outcome.expirySeconds : 0,
    };
  }

  /** Once per workspace and file version, after the fact: the IDs the file names that this workspace's Slack does not know, logged. */
  #checkNamesOnce(workspace: Workspace, policy: Policy): void {
    const key = `${workspace.teamId}/${policy.hash}`;
    if (this.#checked.has(key)) return;
    this.#checked.add(key);
    const { logger } = this.deps;
    void this.deps
      .slackFor({ teamId: workspace.teamId, enterpriseId: workspace.enterpriseId })
      .then((client) => checkPolicyNames(client, policy, workspace.teamId))
      .then((problems) => {
        if (problems.length > 0) logger.warn({ code: 'policy_names_unknown', teamId: workspace.teamId, hash: policy.hash, problems }, 'the policy file names user groups or channels this workspace’s Slack does not know');
      })
      .catch((error: unknown) => logger.warn({ err: error, teamId: workspace.teamId }, 'could not check the policy file’s groups and channels against Slack'));
  }

  /** Refuses a requirement nobody could meet, as the Slack-set policy's gate does before the form. */
  async #reachable(question: PolicyQuestion, requirement: ApprovalRequirement, evaluation: Evaluation): Promise<void> {
    let eligible = eligibleApproverCount(requirement, question.userId, []);
    if (eligible < requirement.approvalsNeeded && requirement.approverGroupIds.length > 0) {
      const lists = await Promise.all(requirement.approverGroupIds.map((g) => this.#members(question, g)));
      // A group that cannot be read is not held against the request: approvers are checked at the click.
      if (lists.some((l) => l === undefined)) return;
      eligible = eligibleApproverCount(requirement, question.userId, lists.flatMap((l) => l ?? []));
    }
    if (eligible >= requirement.approvalsNeeded) return;
    const said = describeEvaluation(evaluation);
    throw new RequestDeniedError(
      `This request ${said.replace(/^needs/, 'would need')} — and requesters never approve their own, so there are not enough other approvers. Ask the people who keep the policy file.`,
      evaluation,
    );
  }

  async #memberOf(question: PolicyQuestion, groups: readonly string[]): Promise<Map<string, boolean>> {
    const known = await Promise.all(groups.map(async (g) => [g, await this.#members(question, g)] as const));
    const resolved = known.filter(([, members]) => members !== undefined).map(([g]) => g);
    const memberOf = known.filter(([, members]) => members?.includes(question.userId) === true).map(([g]) => g);
    return membership(resolved, memberOf);
  }

  /** A group's members (the workspace's own bot token), kept a minute; undefined when Slack does not say. */
  #members(workspace: Workspace, group: string): Promise<readonly string[] | undefined> {
    const key = `${workspace.teamId}/${group}`;
    const now = this.deps.clock.now();
    const cached = this.#groupCache.get(key);
    if (cached !== undefined && now - cached.at < MEMBERSHIP_TTL_MS) return cached.members;
    const members = this.deps
      .slackFor({ teamId: workspace.teamId, enterpriseId: workspace.enterpriseId })
      .then((client) => groupMembers(client, [group]))
      .catch((error: unknown) => {
        this.deps.logger.warn({ err: error, teamId: workspace.teamId, group }, 'could not read a user group the policy file names: rules on it do not match');
        this.#groupCache.delete(key);
        return undefined;
      });
    this.#groupCache.set(key, { at: now, members });
    return members;
  }

  /** What the bot knows of the cluster (from its import here): name, slug, provider, region. */
  async #knownCluster(teamId: string, clusterId: string, name: string | null): Promise<KnownCluster | null> {
    const cluster = (await this.deps.clusters.list(teamId)).find((c) => c.uuid?.toLowerCase() === clusterId.toLowerCase());
    if (cluster === undefined) return name === null ? null : { name };
    const provider = (PROVIDERS as readonly string[]).includes(cluster.provider) ? (cluster.provider as Provider) : undefined;
    return { name: cluster.name, slug: cluster.slug, region: cluster.region, ...(provider === undefined ? {} : { provider }) };
  }
}
