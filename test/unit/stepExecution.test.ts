// A Workflow Builder step's inputs read into the forms people fill (so the same checks apply, named by
// the step's inputs), and what the step answers when its request ends: outputs, or why it failed.
import { readFileSync } from 'node:fs';
import { buildImportBody } from '../../src/domain/importForm.js';
import { stepResult } from '../../src/domain/stepExecution.js';
import { IMPORT_INPUT_TITLES, importFormFromStep, nodeGroupsFromText, readWho, stepErrorText } from '../../src/domain/stepInputs.js';
import { outputsProblem } from '../support/slackMethods.js';
import { ALICE, aRequest, CHANNEL, HOSTED_ZONE, ORG, SECRET_ID } from '../support/fixtures.js';

const DEFAULTS = { orgId: ORG, hostedZone: HOSTED_ZONE, secretId: SECRET_ID };
const GROUP = { name: 'gpu-pool', is_auxilliary: false, node_config: { machine_type: 'g5.2xlarge', capacity_type: 'ON_DEMAND', min_node_count: 0, max_node_count: 3 } };
const inputs = (overrides: Record<string, unknown> = {}) => ({ name: 'Prod', provider: 'aws', region: 'us-west-2', node_groups: JSON.stringify([GROUP]), channel: CHANNEL, requester: ALICE, ...overrides });

test('valid inputs make the body the form would make, with the connection’s defaults where inputs are empty', () => {
  const form = importFormFromStep(inputs(), DEFAULTS, []);
  if (!form.ok) throw new Error(form.error);
  const built = buildImportBody(form.value);
  if (!built.ok) throw new Error(JSON.stringify(built.errors));
  expect(built.body).toMatchObject({ name: 'Prod', org: ORG, hosted_zone: HOSTED_ZONE, secret_id: SECRET_ID, cluster_hosted_on: 'aws', region: 'us-west-2', nodegroup_labels: [GROUP] });
});

test('a hosted zone or secret given by the name the workspace gave it becomes its UUID', () => {
  const zone = '0f0e0d0c-0b0a-4908-8706-050403020100';
  const form = importFormFromStep(inputs({ hosted_zone: 'Prod zone' }), DEFAULTS, [{ kind: 'hosted_zone', category: '', name: 'prod zone', uuid: zone }]);
  expect(form.ok && form.value.hostedZone).toBe(zone);
});

test('a field the form refuses is said with the form’s words, named by the step’s input', () => {
  const form = importFormFromStep(inputs({ name: '', node_groups: JSON.stringify([{ ...GROUP, node_config: { min_node_count: 'abc' } }]) }), DEFAULTS, []);
  if (!form.ok) throw new Error(form.error);
  const built = buildImportBody(form.value);
  expect(built.ok).toBe(false);
  const text = built.ok ? '' : stepErrorText(built.errors, IMPORT_INPUT_TITLES);
  expect(text).toContain('Cluster name: Give the cluster a name.');
  expect(text).toMatch(/^Node groups \(group 1, Min nodes\): Min nodes must be a whole number/m);
});

test('node groups: the JSON array, a kubectl dump through the node proposal, or a clear refusal', () => {
  expect(nodeGroupsFromText(JSON.stringify([GROUP]))).toMatchObject({ ok: true, value: [{ name: 'gpu-pool', machineType: 'g5.2xlarge', minNodes: '0' }] });
  expect(nodeGroupsFromText('[{"name": ')).toMatchObject({ ok: false, error: expect.stringMatching(/^Node groups: this is not valid JSON/) });
  expect(nodeGroupsFromText('[]')).toEqual({ ok: false, error: 'Node groups: the JSON array holds no node group.' });
  const dump = readFileSync(new URL('../fixtures/nodes/eks-show-labels.txt', import.meta.url), 'utf8');
  const proposed = nodeGroupsFromText(dump);
  expect(proposed.ok && proposed.value.length).toBeGreaterThan(0);
  expect(nodeGroupsFromText('NAME READY STATUS\nweb-1 1/1 Running')).toMatchObject({ ok: false, error: expect.stringMatching(/^Node groups: /) });
});

test('an unknown provider, a missing channel or requester are refused by name', () => {
  expect(importFormFromStep(inputs({ provider: 'digitalocean' }), DEFAULTS, [])).toMatchObject({ ok: false, error: expect.stringMatching(/^Provider: “digitalocean” is not one Simplismart takes/) });
  expect(readWho(inputs({ channel: '' }))).toMatchObject({ ok: false, error: expect.stringMatching(/^Channel: /) });
  expect(readWho(inputs({ requester: undefined }))).toMatchObject({ ok: false, error: expect.stringMatching(/^Requested by: /) });
});

describe('what the step answers when its request ends', () => {
  const imported = aRequest({
    state: 'succeeded',
    threadPermalink: 'https://fake-team.slack.com/archives/C0IMPORTS1/p1700000000000100',
    outcome: { kind: 'imported', cluster: { uuid: '1e99a854-26de-4c19-b6b6-68c7e03c39c3', name: 'Prod', status: 'ACTIVE', provider: 'aws', region: 'us-west-2' } },
  });

  test('imported: outputs that match the manifest’s output_parameters', () => {
    const result = stepResult(imported);
    expect(result).toEqual({
      ok: true,
      outputs: { request_id: imported.id, cluster_uuid: '1e99a854-26de-4c19-b6b6-68c7e03c39c3', status: 'imported', thread_link: imported.threadPermalink, error_text: '' },
    });
    expect(outputsProblem('import_simplismart_cluster', result.outputs)).toBeUndefined();
    expect(outputsProblem('import_simplismart_cluster', { ...result.outputs, extra: 'x' })).toBe('extra is not an output parameter');
  });

  test.each([
    ['rejected', /^rejected: request ir-abcdefgh — rejected by an approver/],
    ['expired', /^expired: request ir-abcdefgh — nobody approved it/],
    ['cancelled', /^cancelled: /],
    ['outcome_unknown', /^outcome_unknown: .*may or may not exist/],
  ] as const)('%s: the step fails, saying so', (state, said) => {
    const result = stepResult(aRequest({ state }));
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error).toMatch(said);
  });

  test('failed: Simplismart’s refusal is in the error', () => {
    const result = stepResult(aRequest({ state: 'failed', outcome: { kind: 'rejected', code: 'validation_failed', status: 422, apiMessage: 'slug already exists', fieldErrors: [{ field: 'slug', messages: ['cluster with this slug already exists.'] }] } }));
    expect(result.ok ? '' : result.error).toBe('failed: request ir-abcdefgh — Simplismart refused it (validation_failed, HTTP 422): slug already exists (slug: cluster with this slug already exists.)');
  });
});
