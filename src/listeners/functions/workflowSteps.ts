// Workflow Builder custom steps (docs/workflow-steps.md): "Import a Simplismart cluster" and "Add node
// groups". Bolt acks the function_executed event first (autoAcknowledge); each execution then becomes one
// request like any other — its inputs read into the form people fill and checked by the same code,
// then the shared intake (connection, approval policy, stored once per execution id) — or the step fails
// at once with the words the form would show. The step stays running while the request waits or
// imports; WorkflowSteps completes it when the request ends (services/workflowSteps.ts).
import { randomBytes } from 'node:crypto';
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { buildImportBody } from '../../domain/importForm.js';
import { buildNodeGroupsBody } from '../../domain/nodeGroupsForm.js';
import { stepSourceKey } from '../../domain/stepExecution.js';
import {
  clusterInput,
  IMPORT_INPUT_TITLES,
  importFormFromStep,
  NODE_GROUPS_INPUT_TITLES,
  nodeGroupsFormFromStep,
  readWho,
  stepErrorText,
  type StepWho,
} from '../../domain/stepInputs.js';
import { isAppError, StoreUnavailableError } from '../../errors.js';
import type { Asked } from '../../services/importRequests.js';
import type { Services } from '../../services/index.js';
import { intake, launchStored, NOT_CONNECTED_REASON } from '../../services/requestIntake.js';
import { tenantOf } from '../tenant.js';

export type StepArgs = SlackEventMiddlewareArgs<'function_executed'> & AllMiddlewareArgs;

export function importClusterStep(args: StepArgs, services: Services): Promise<void> {
  return guarded(args, services, async () => {
    const inputs = args.event.inputs;
    const who = readWho(inputs);
    if (!who.ok) return who.error;
    const { teamId } = tenantOf(args);
    const settings = await services.settings.read(teamId, { references: true });
    const defaults = services.connections.defaultsOf(settings.connection);
    if (defaults === undefined) return NOT_CONNECTED_REASON;
    const form = importFormFromStep(inputs, defaults, settings.references);
    if (!form.ok) return form.error;
    const built = buildImportBody(form.value);
    if (!built.ok) return stepErrorText(built.errors, IMPORT_INPUT_TITLES);
    return submitStep(args, services, { kind: 'import_cluster', body: built.body }, who.value);
  });
}

export function addNodeGroupsStep(args: StepArgs, services: Services): Promise<void> {
  return guarded(args, services, async () => {
    const inputs = args.event.inputs;
    const who = readWho(inputs);
    if (!who.ok) return who.error;
    const { teamId } = tenantOf(args);
    const query = clusterInput(inputs);
    const title = NODE_GROUPS_INPUT_TITLES.cluster;
    if (query === '') return `${title}: give the cluster’s UUID, or the name of a cluster this workspace imported.`;
    const cluster = await services.clusters.uuidFor(teamId, query);
    if (!cluster.ok) {
      return cluster.found === 'none'
        ? `${title}: no cluster this workspace imported is called “${query}”; give its UUID.`
        : `${title}: several clusters this workspace imported are called “${query}”; give the UUID of the one you mean.`;
    }
    const clusterId = cluster.uuid;
    const executionId = args.event.function_execution_id;
    const change = await services.clusters.forChange(teamId, clusterId, stepSourceKey(executionId));
    const defaults = services.connections.defaultsOf((await services.settings.read(teamId, { references: false })).connection);
    if (defaults === undefined) return NOT_CONNECTED_REASON;
    const form = nodeGroupsFormFromStep(inputs, clusterId, defaults, { names: [...change.known.names.keys()], auxiliary: change.known.auxiliary });
    if (!form.ok) return form.error;
    const built = buildNodeGroupsBody(form.value, change.known);
    if (!built.ok) return stepErrorText(built.errors, { ...NODE_GROUPS_INPUT_TITLES, clusterId: title });
    return submitStep(args, services, { kind: 'add_node_groups', body: built.body, cluster: change.target }, who.value);
  });
}

/** The request stored through the shared intake (once per execution id) and launched; or why not. */
async function submitStep(args: StepArgs, services: Services, asked: Asked, who: StepWho): Promise<string | undefined> {
  const { event } = args;
  const { teamId, enterpriseId } = tenantOf(args);
  const executionId = event.function_execution_id;
  const token = typeof event.bot_access_token === 'string' && event.bot_access_token !== '' ? event.bot_access_token : null;
  const taken = await intake(services, args.client, {
    ...asked,
    teamId,
    enterpriseId,
    userId: who.requesterId,
    channelId: who.channelId,
    sourceKey: stepSourceKey(executionId),
    replacesId: null,
    responseUrl: null,
    step: { executionId, callbackId: event.function.callback_id, sealedToken: token === null ? null : services.steps.sealToken(executionId, token) },
  });
  if (taken.kind === 'refused') return taken.reason;
  services.logger.info({ requestId: taken.request.id, executionId, created: taken.created, teamId }, 'a Workflow Builder step asked for a request');
  if (taken.created) launchStored(services, taken.request);
  return undefined;
}

/**
 * Runs a step's handler: a reason it gives fails the step at once; so does a failure (a store outage,
 * a bug), said with a reference the logs carry — the event is acked already, so nobody else would end
 * the execution. A fail Slack refuses (the execution ended meanwhile, a redelivery) is only logged.
 */
async function guarded(args: StepArgs, services: Services, handle: () => Promise<string | undefined>): Promise<void> {
  const log = { executionId: args.event.function_execution_id, callbackId: args.event.function.callback_id, teamId: args.context.teamId };
  let reason: string | undefined;
  try {
    reason = await handle();
  } catch (error) {
    const reference = `${isAppError(error) ? error.code : 'error'}-${randomBytes(3).toString('hex')}`;
    services.logger.error({ err: error, reference, ...log }, 'a Workflow Builder step failed; the step is failed with a reference');
    reason =
      error instanceof StoreUnavailableError
        ? `Simplismart’s bot could not save this request (its database is unavailable), so nothing was done: run the workflow again later. Reference: ${reference}`
        : `Simplismart’s bot met an unexpected error, so nothing was done. Reference for the app’s admins: ${reference}`;
  }
  if (reason === undefined) return;
  services.logger.info({ ...log, reason }, 'failed a Workflow Builder step at once');
  await args.fail({ error: reason }).catch((failure: unknown) => {
    services.logger.warn({ ...log, slackError: (failure as { data?: { error?: string } }).data?.error ?? null }, 'Slack refused to fail the Workflow Builder step');
  });
}
