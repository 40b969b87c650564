// Slash command handlers as plain functions of built arguments: what they tell whom, through the
// command's response_url, with every read going through a service.
import { connectCommand } from '../../../src/listeners/commands/connectionCommands.js';
import { historyCommand } from '../../../src/listeners/commands/historyCommand.js';
import { importCommand } from '../../../src/listeners/commands/importCommand.js';
import { CALLBACK } from '../../../src/views/ids.js';
import { APPROVER, OTHER_TEAM, REQUESTER, submitImport, TEAM, useWorld } from '../services/world.js';
import { commandArgs } from './args.js';

const world = useWorld();

test('history: a workspace sees its own request’s trail; another workspace’s id is “no request in this workspace”', async () => {
  const request = await submitImport(world);
  await historyCommand(commandArgs(world, { text: `history ${request.id}`, userId: REQUESTER, responseUrl: world.local.responseUrl('mine') }).args, world.services, request.id);
  expect(world.local.responsesTo('mine')[0].text).toBe(`Audit trail of ${request.id}: 1 entries`);
  await historyCommand(commandArgs(world, { text: `history ${request.id}`, userId: REQUESTER, teamId: OTHER_TEAM, responseUrl: world.local.responseUrl('theirs') }).args, world.services, request.id);
  expect(world.local.responsesTo('theirs')[0].text).toMatch(new RegExp(`^No request ${request.id} in this workspace`));
});

test('import: a requester whose import could never pass is told why, and no form opens', async () => {
  await world.services.policies.save(TEAM, { required: true, approverUserIds: [REQUESTER], approverGroupIds: [], approvalsNeeded: 1, expirySeconds: 3600, approvalsChannelId: null, nodeGroupsApproval: 'same' }, 'U0ADMIN', world.now.value);
  await importCommand(commandArgs(world, { text: 'import', userId: REQUESTER, responseUrl: world.local.responseUrl('blocked') }).args, world.services, '');
  expect(world.local.responsesTo('blocked')[0].text).toMatch(/^Imports here need 1 approval from <@U0REQUESTR>, and requesters never approve their own: you are the only approver/);
  expect(world.slack.callsTo('views.open')).toEqual([]);

  await importCommand(commandArgs(world, { text: 'import', userId: APPROVER, responseUrl: world.local.responseUrl('open'), triggerId: 'trigger-import' }).args, world.services, 'name=Prod');
  expect(world.slack.callsTo('views.open').map((c) => [c.args.trigger_id, c.args.view.callback_id, c.args.view.submit.text])).toEqual([['trigger-import', CALLBACK.importModal, 'Submit for approval']]);
});

test('connect: only admins get the form; others are told who can', async () => {
  await connectCommand(commandArgs(world, { text: 'connect', userId: REQUESTER, responseUrl: world.local.responseUrl('not-admin') }).args, world.services);
  expect(world.local.responsesTo('not-admin')[0].text).toBe('Only Slack workspace admins and owners can connect this workspace to Simplismart. Ask one of them to do it.');
  world.slack.admins.add('U0ADMIN');
  await connectCommand(commandArgs(world, { text: 'connect', userId: 'U0ADMIN', responseUrl: world.local.responseUrl('admin') }).args, world.services);
  expect(world.slack.callsTo('views.open').map((c) => c.args.view.callback_id)).toEqual([CALLBACK.connectModal]);
  expect(world.local.responsesTo('admin')).toEqual([]);
});
