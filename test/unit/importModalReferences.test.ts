// The import form with the workspace's names: menus for the hosted zone and the secret (the defaults
// chosen, "Other (UUID)…" for the rest), a menu per tool category, the fields nothing names still typed;
// read back as UUIDs; and at its very largest still within Slack's 100 blocks.
/* eslint-disable @typescript-eslint/no-explicit-any -- Block Kit JSON is walked structurally. */
import type { ModalView } from '@slack/types';
import { buildImportBody, emptyForm, emptyNodeGroup, type ImportForm } from '../../src/domain/importForm.js';
import { REFERENCE_LIMITS, type NamedReference } from '../../src/domain/references.js';
import { renderImportModal } from '../../src/views/importModal.js';
import { decodeMeta, metaFor, withMoreSettings, type ImportModalMeta } from '../../src/views/importModalMeta.js';
import { readImportForm, withOtherChoices } from '../../src/views/importModalRead.js';
import { MAX_NODE_GROUPS } from '../../src/views/nodeGroupEditor.js';
import { viewProblems } from '../support/blockKitRules.js';
import { HOSTED_ZONE, ORG, SECRET_ID } from '../support/fixtures.js';
import { fillModal, shownIn } from '../support/modalState.js';

const uuidAt = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const STAGING = uuidAt(900);
const [PROM, GRAF, REDIS] = [uuidAt(901), uuidAt(902), uuidAt(903)];

const REFS: NamedReference[] = [
  { kind: 'hosted_zone', category: '', name: 'Production zone', uuid: HOSTED_ZONE },
  { kind: 'hosted_zone', category: '', name: 'Staging zone', uuid: STAGING },
  { kind: 'secret', category: '', name: 'prod-eks', uuid: SECRET_ID },
  { kind: 'tool', category: 'MONITORING', name: 'Prometheus', uuid: PROM },
  { kind: 'tool', category: 'MONITORING', name: 'Grafana', uuid: GRAF },
  { kind: 'tool', category: 'ASYNC TOOLS', name: 'Redis', uuid: REDIS },
];

function form(fields: Partial<ImportForm> = {}): ImportForm {
  return { ...emptyForm(), name: 'Prod', provider: 'kubernetes', org: ORG, hostedZone: HOSTED_ZONE, secretId: SECRET_ID, nodeGroups: [{ ...emptyNodeGroup(0), name: 'gpu' }], ...fields };
}

function render(f: ImportForm, refs: NamedReference[] = REFS, meta: Partial<ImportModalMeta> = {}): ModalView {
  return renderImportModal(f, { ...withMoreSettings(f, metaFor(f, 'C0CHANNEL1')).meta, ...meta }, [], refs);
}

const ids = (view: ModalView): string[] => (view.blocks as any[]).flatMap((b) => (typeof b.block_id === 'string' ? [b.block_id] : []));
const read = (view: ModalView, values: Record<string, any> = {}) => readImportForm(fillModal(view, values), decodeMeta(view.private_metadata)!);

describe('named hosted zone, secret and tools', () => {
  it('offer menus with the current values chosen and no typed UUID; tools a menu per category, the rest typed', () => {
    const view = render(form({ toolChoices: { MONITORING: [GRAF] }, clusterTools: `TRAINING: ${uuidAt(7)}` }));
    expect(shownIn(view, 'cluster_hostedZone_name')).toBe(HOSTED_ZONE);
    expect(shownIn(view, 'cluster_secretId_name')).toBe(SECRET_ID);
    expect(ids(view)).not.toContain('cluster_hostedZone');
    expect(ids(view)).not.toContain('cluster_secretId');
    expect(shownIn(view, 'tools_MONITORING')).toEqual([GRAF]);
    expect(shownIn(view, 'tools_ASYNC TOOLS')).toBeUndefined();
    const zones = (view.blocks as any[]).find((b) => b.block_id === 'cluster_hostedZone_name').element.options;
    expect(zones.map((o: any) => [o.text.text, o.value])).toEqual([
      ['Production zone', HOSTED_ZONE],
      ['Staging zone', STAGING],
      ['Other (UUID)…', 'other'],
    ]);
    expect((view.blocks as any[]).find((b) => b.block_id === 'cluster_clusterTools').label.text).toBe('Other cluster tools');
    expect(viewProblems(view)).toEqual([]);
  });

  it('are read back as UUIDs, and the body carries exactly them', () => {
    const view = render(form());
    const f = read(view, { cluster_hostedZone_name: STAGING, tools_MONITORING: [PROM, GRAF], 'tools_ASYNC TOOLS': [REDIS], cluster_clusterTools: `MONITORING: ${uuidAt(5)}` });
    expect(f).toMatchObject({ hostedZone: STAGING, secretId: SECRET_ID, toolChoices: { MONITORING: [PROM, GRAF], 'ASYNC TOOLS': [REDIS] } });
    const built = buildImportBody(f);
    if (!built.ok) throw new Error(JSON.stringify(built.errors));
    expect(built.body.hosted_zone).toBe(STAGING);
    expect(built.body.cluster_tools).toStrictEqual({ MONITORING: [uuidAt(5), PROM, GRAF], 'ASYNC TOOLS': [REDIS] });
  });

  it('a value nothing names shows “Other (UUID)…” and the UUID typed; choosing Other with nothing typed yet shows the field', () => {
    const view = render(form({ hostedZone: uuidAt(3) }));
    expect(shownIn(view, 'cluster_hostedZone_name')).toBe('other');
    expect(shownIn(view, 'cluster_hostedZone')).toBe(uuidAt(3));
    expect(read(view).hostedZone).toBe(uuidAt(3));

    const empty = render(form({ hostedZone: '' }));
    expect(ids(empty)).not.toContain('cluster_hostedZone');
    const meta = withOtherChoices(fillModal(empty, { cluster_hostedZone_name: 'other' }), decodeMeta(empty.private_metadata)!);
    expect(meta.o).toEqual(['hostedZone']);
    expect(ids(renderImportModal(form({ hostedZone: '' }), meta, [], REFS))).toContain('cluster_hostedZone');
  });

  it('without names, the typed UUID inputs of before (and one typed tools field)', () => {
    const view = render(form(), []);
    expect(ids(view)).toEqual(expect.arrayContaining(['cluster_hostedZone', 'cluster_secretId', 'cluster_clusterTools']));
    expect(ids(view).filter((id) => ['cluster_hostedZone_name', 'cluster_secretId_name'].includes(id) || id.startsWith('tools_'))).toEqual([]);
  });
});

describe('at its very largest', () => {
  it('a note, region, NodePort, both menus with Other typed, More settings, 6 tool menus and 6 node groups: 100 blocks (the limit: Fill from my nodes stays at 6 groups), within Slack’s limits', () => {
    const refs: NamedReference[] = [
      ...Array.from({ length: REFERENCE_LIMITS.perKind }, (_, i): NamedReference => ({ kind: 'hosted_zone', category: '', name: `zone ${'z'.repeat(60)}`.slice(0, 60) + i, uuid: uuidAt(i) })),
      ...Array.from({ length: REFERENCE_LIMITS.perKind }, (_, i): NamedReference => ({ kind: 'secret', category: '', name: `secret ${i}`, uuid: uuidAt(100 + i) })),
      ...Array.from({ length: REFERENCE_LIMITS.toolCategories }, (_, c) =>
        Array.from({ length: REFERENCE_LIMITS.toolsPerCategory }, (_, t): NamedReference => ({ kind: 'tool', category: `CATEGORY ${c}`, name: `tool ${t}`, uuid: uuidAt(1000 + c * 100 + t) })),
      ).flat(),
    ];
    const f = form({
      provider: 'aws',
      region: 'us-west-2',
      serviceType: 'NodePort',
      hostedZone: uuidAt(5000),
      secretId: uuidAt(5001),
      avatarUrl: 'https://example.com/logo.png',
      clusterNodeConfig: 'machine_type=m5.xlarge',
      clusterTools: `TRAINING: ${uuidAt(5002)}`,
      nodeGroups: Array.from({ length: MAX_NODE_GROUPS }, (_, i) => ({ ...emptyNodeGroup(i), name: `g${i}` })),
    });
    const view = renderImportModal(f, { ...metaFor(f, 'C0CHANNEL1', { approvalNote: ':lock: Imports here need 1 approval.' }), x: 1 }, ['Pre-filled 3 fields from your command.'], refs);
    expect(view.blocks).toHaveLength(100);
    expect(viewProblems(view)).toEqual([]);
  });
});
