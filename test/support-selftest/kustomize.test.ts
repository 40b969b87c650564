// The tests' kustomize renderer (test/support/kustomize.ts) against real kustomize: every feature it
// supports, rendered by `kubectl kustomize` into expected.yaml; and a clear refusal of what it does not.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { kustomizeBuild, splitImage, type KubernetesObject } from '../support/kustomize.js';

const FIXTURE = 'test/support-selftest/kustomize';
const byId = (objects: KubernetesObject[]) => [...objects].sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));

test('renders resources, components, JSON 6902 patches and images exactly as kustomize 5.5 does', () => {
  const expected = parseAllDocuments(readFileSync(join(FIXTURE, 'expected.yaml'), 'utf8')).map((d) => d.toJS() as KubernetesObject);
  expect(byId(kustomizeBuild(join(FIXTURE, 'overlay')))).toEqual(byId(expected));
});

test('splits image references like kustomize: registry ports are not tags', () => {
  expect(splitImage('registry.example:5000/side:1.0')).toEqual({ name: 'registry.example:5000/side', tag: '1.0' });
  expect(splitImage('registry.example:5000/side')).toEqual({ name: 'registry.example:5000/side' });
  expect(splitImage('app@sha256:abc')).toEqual({ name: 'app', digest: 'sha256:abc' });
  expect(splitImage('app:1@sha256:abc')).toEqual({ name: 'app', tag: '1', digest: 'sha256:abc' });
});

describe('refuses, naming the file, what it does not support and what is a mistake', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ss-kustomize-'));
    cpSync(FIXTURE, dir, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const edit = (file: string, change: (text: string) => string) => writeFileSync(join(dir, file), change(readFileSync(join(dir, file), 'utf8')));

  test.each([
    ['an unsupported field', 'overlay/kustomization.yaml', (t: string) => `${t}namePrefix: x-\n`, /namePrefix not supported by this renderer/],
    ['a strategic merge patch', 'overlay/deployment-patch.yaml', () => 'spec:\n  replicas: 2\n', /only JSON 6902 patches/],
    ['a patch whose target matches nothing', 'overlay/kustomization.yaml', (t: string) => t.replace('name: app\n  - target', 'name: ap\n  - target'), /matches no resource/],
    ['a failed test operation', 'overlay/deployment-patch.yaml', (t: string) => t.replace('value: B', 'value: Z'), /deployment-patch.yaml: .*[Tt]est operation failed/],
    ['a path that does not exist', 'overlay/deployment-patch.yaml', (t: string) => t.replace('path: /spec/replicas', 'path: /spec/replica/count'), /deployment-patch.yaml:/],
    ['a resource defined twice', 'overlay/kustomization.yaml', (t: string) => t.replace('  - pod.yaml', '  - pod.yaml\n  - pod.yaml'), /Pod\/one-off is defined twice/],
    ['a component that is a Kustomization', 'component/kustomization.yaml', (t: string) => t.replace('kind: Component', 'kind: Kustomization'), /expected apiVersion kustomize.config.k8s.io\/v1alpha1, kind Component/],
  ])('%s', (_what, file, change, message) => {
    edit(file, change);
    expect(() => kustomizeBuild(join(dir, 'overlay'))).toThrow(message);
  });
});
