// Every listener, registered in one place: one line per Slack surface the bot answers.
import type { App, BlockAction, BlockElementAction, ButtonAction, ViewSubmitAction } from '@slack/bolt';
import { STEP } from '../domain/stepExecution.js';
import type { Services } from '../services/index.js';
import { ACTION, CALLBACK, EVENT, SHORTCUT } from '../views/ids.js';
import { addNodeGroups, importSimilar } from './actions/clusterButtons.js';
import { fillFromNodes } from './actions/fillFromNodes.js';
import { changeForm } from './actions/formChanges.js';
import { homeConnect, homeDisconnect, homeImport, homePolicy } from './actions/homeButtons.js';
import { approve, cancel, editAndRetry, reject, viewPayload } from './actions/requestButtons.js';
import { simplismartCommand } from './commands/simplismart.js';
import { appHomeOpened } from './events/appHomeOpened.js';
import { appUninstalled, tokensRevoked } from './events/appRemoved.js';
import { addNodeGroupsStep, importClusterStep } from './functions/workflowSteps.js';
import { COMMAND, ignoreUnknownPayloads, reportErrorsToPeople } from './middleware.js';
import { acceleratorTypeOptions } from './options/acceleratorTypes.js';
import { importShortcut } from './shortcuts/importShortcut.js';
import { connectSubmission } from './views/connectSubmission.js';
import { fillSubmission } from './views/fillSubmission.js';
import { importSubmission } from './views/importSubmission.js';
import { nodeGroupsSubmission } from './views/nodeGroupsSubmission.js';
import { policySubmission } from './views/policySubmission.js';
import { referencesSubmission } from './views/referencesSubmission.js';
import { rejectSubmission } from './views/rejectSubmission.js';

export function registerListeners(app: App, services: Services): void {
  app.use(reportErrorsToPeople(services));
  app.use(ignoreUnknownPayloads(services));

  app.command(COMMAND, (args) => simplismartCommand(args, services));
  app.shortcut({ callback_id: SHORTCUT.importCluster, type: 'shortcut' }, (args) => importShortcut(args, services));

  app.event(EVENT.appHomeOpened, (args) => appHomeOpened(args, services));
  app.event(EVENT.appUninstalled, (args) => appUninstalled(args, services));
  app.event(EVENT.tokensRevoked, (args) => tokensRevoked(args, services));
  // Workflow Builder steps: Bolt acks the event first (autoAcknowledge), then the step runs.
  app.function(STEP.importCluster, (args) => importClusterStep(args, services));
  app.function(STEP.addNodeGroups, (args) => addNodeGroupsStep(args, services));

  app.view<ViewSubmitAction>({ callback_id: CALLBACK.importModal, type: 'view_submission' }, (args) => importSubmission(args, services));
  app.view<ViewSubmitAction>({ callback_id: CALLBACK.connectModal, type: 'view_submission' }, (args) => connectSubmission(args, services));
  app.view<ViewSubmitAction>({ callback_id: CALLBACK.policyModal, type: 'view_submission' }, (args) => policySubmission(args, services));
  app.view<ViewSubmitAction>({ callback_id: CALLBACK.rejectModal, type: 'view_submission' }, (args) => rejectSubmission(args, services));
  app.view<ViewSubmitAction>({ callback_id: CALLBACK.nodeGroupsModal, type: 'view_submission' }, (args) => nodeGroupsSubmission(args, services));
  app.view<ViewSubmitAction>({ callback_id: CALLBACK.referencesModal, type: 'view_submission' }, (args) => referencesSubmission(args, services));
  app.view<ViewSubmitAction>({ callback_id: CALLBACK.fillFromNodes, type: 'view_submission' }, (args) => fillSubmission(args, services));

  app.action<BlockAction<BlockElementAction>>(ACTION.provider, (args) => changeForm('refresh', args, services));
  app.action<BlockAction<BlockElementAction>>(ACTION.serviceType, (args) => changeForm('refresh', args, services));
  app.action<BlockAction<ButtonAction>>(ACTION.addNodeGroup, (args) => changeForm('add', args, services));
  app.action<BlockAction<ButtonAction>>(ACTION.showMoreSettings, (args) => changeForm('more', args, services));
  app.action<BlockAction<ButtonAction>>(ACTION.removeNodeGroup, (args) => changeForm('remove', args, services));
  app.action<BlockAction<ButtonAction>>(ACTION.fillFromNodes, (args) => fillFromNodes(args, services));
  app.action<BlockAction<ButtonAction>>(ACTION.editAndRetry, (args) => editAndRetry(args, services));
  app.action<BlockAction<ButtonAction>>(ACTION.approve, (args) => approve(args, services));
  app.action<BlockAction<ButtonAction>>(ACTION.reject, (args) => reject(args, services));
  app.action<BlockAction<ButtonAction>>(ACTION.cancel, (args) => cancel(args, services));
  app.action<BlockAction<ButtonAction>>(ACTION.viewPayload, (args) => viewPayload(args, services));
  app.action<BlockAction<BlockElementAction>>(ACTION.namedChoice, (args) => changeForm('refresh', args, services));
  app.action<BlockAction<ButtonAction>>(ACTION.addNodeGroups, (args) => addNodeGroups(args, services));
  app.action<BlockAction<ButtonAction>>(ACTION.importSimilar, (args) => importSimilar(args, services));
  app.action<BlockAction<ButtonAction>>(ACTION.homeImport, (args) => homeImport(args, services));
  app.action<BlockAction<ButtonAction>>(ACTION.homeConnect, (args) => homeConnect(args, services));
  app.action<BlockAction<ButtonAction>>(ACTION.homeDisconnect, (args) => homeDisconnect(args, services));
  app.action<BlockAction<ButtonAction>>(ACTION.homePolicy, (args) => homePolicy(args, services));

  app.options<'block_suggestion'>(ACTION.acceleratorType, (args) => acceleratorTypeOptions(args));
}
