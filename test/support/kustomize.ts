// A minimal `kustomize build` for the tests: exactly the features deploy/kubernetes uses (resources,
// components, JSON 6902 patches, images) and an error for any other, so an overlay is never rendered
// differently from what `kubectl apply -k` applies. npm has no maintained kustomize (README, Dependencies).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import jsonpatch, { type Operation } from 'fast-json-patch';
import { parse, parseAllDocuments } from 'yaml';

export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** What a kustomization may say here; anything else is refused by name. */
const SUPPORTED: Record<string, readonly string[]> = {
  kustomization: ['apiVersion', 'kind', 'resources', 'components', 'patches', 'images'],
  patch: ['path', 'patch', 'target'],
  target: ['group', 'version', 'kind', 'name'],
  image: ['name', 'newName', 'newTag', 'digest'],
};

const KINDS = {
  Kustomization: 'kustomize.config.k8s.io/v1beta1',
  Component: 'kustomize.config.k8s.io/v1alpha1',
} as const;

interface Kustomization {
  resources?: string[];
  components?: string[];
  patches?: { path?: string; patch?: string; target?: { group?: string; version?: string; kind?: string; name?: string } }[];
  images?: { name: string; newName?: string; newTag?: string | number; digest?: string }[];
}

/** `kustomize build DIR`: the objects, in the order their resources are listed. */
export function kustomizeBuild(dir: string): KubernetesObject[] {
  return build(readKustomization(dir, 'Kustomization'), dir, []);
}

/**
 * Builds a kustomization given as an object (as if it were `dir/kustomization.yaml`): lets a test
 * compose an overlay with an optional component without writing a file.
 */
export function kustomizeBuildInline(kustomization: unknown, dir: string): KubernetesObject[] {
  return build(checkKustomization(kustomization, `${dir} (inline)`, 'Kustomization'), dir, []);
}

function build(k: Kustomization, dir: string, accumulated: KubernetesObject[]): KubernetesObject[] {
  let objects = [...accumulated, ...(k.resources ?? []).flatMap((r) => loadResource(resolve(dir, r)))];
  // A component adds its resources to the including kustomization's, then transforms all of them.
  for (const component of k.components ?? []) {
    const componentDir = resolve(dir, component);
    objects = build(readKustomization(componentDir, 'Component'), componentDir, objects);
  }
  // kustomize's order: patches, then images.
  for (const patch of k.patches ?? []) objects = applyPatch(objects, patch, dir);
  for (const image of k.images ?? []) objects = objects.map((o) => setImage(o, image));
  assertUniqueIds(objects, dir);
  return objects;
}

function readKustomization(dir: string, kind: keyof typeof KINDS): Kustomization {
  const file = join(dir, 'kustomization.yaml');
  if (!existsSync(file)) throw new Error(`${dir}: no kustomization.yaml (this renderer reads only that name)`);
  return checkKustomization(parse(readFileSync(file, 'utf8')), file, kind);
}

function checkKustomization(value: unknown, where: string, kind: keyof typeof KINDS): Kustomization {
  const k = asRecord(value, where);
  if (k['kind'] !== kind || k['apiVersion'] !== KINDS[kind]) {
    throw new Error(`${where}: expected apiVersion ${KINDS[kind]}, kind ${kind}`);
  }
  onlyKeys(k, SUPPORTED['kustomization']!, where);
  for (const p of (k['patches'] as unknown[] | undefined) ?? []) {
    const patch = asRecord(p, `${where} patches`);
    onlyKeys(patch, SUPPORTED['patch']!, `${where} patches`);
    if (patch['target'] !== undefined) onlyKeys(asRecord(patch['target'], `${where} target`), SUPPORTED['target']!, `${where} target`);
  }
  for (const i of (k['images'] as unknown[] | undefined) ?? []) onlyKeys(asRecord(i, `${where} images`), SUPPORTED['image']!, `${where} images`);
  return k;
}

function loadResource(path: string): KubernetesObject[] {
  if (!existsSync(path)) throw new Error(`resource ${path} does not exist`);
  if (statSync(path).isDirectory()) return kustomizeBuild(path);
  return parseAllDocuments(readFileSync(path, 'utf8'))
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors[0]!.message}`);
      return doc.toJS() as unknown;
    })
    .filter((doc) => doc !== null && doc !== undefined)
    .map((doc) => {
      const o = asRecord(doc, path);
      const name = (o['metadata'] as { name?: unknown } | undefined)?.name;
      if (typeof o['apiVersion'] !== 'string' || typeof o['kind'] !== 'string' || typeof name !== 'string') {
        throw new Error(`${path}: every document needs apiVersion, kind and metadata.name`);
      }
      if (o['kind'] === 'List') throw new Error(`${path}: kind List is not supported by this renderer`);
      return o as KubernetesObject;
    });
}

/** A JSON 6902 patch (a list of operations, from `path` or inline `patch`) on every object its target names. */
function applyPatch(objects: KubernetesObject[], patch: NonNullable<Kustomization['patches']>[number], dir: string): KubernetesObject[] {
  const where = patch.path === undefined ? `${dir}: inline patch` : resolve(dir, patch.path);
  const text = patch.path === undefined ? patch.patch : readFileSync(where, 'utf8');
  if (text === undefined || (patch.path !== undefined && patch.patch !== undefined)) {
    throw new Error(`${where}: a patch needs exactly one of path and patch`);
  }
  const operations = parse(text) as unknown;
  if (!Array.isArray(operations)) {
    throw new Error(`${where}: only JSON 6902 patches (a list of operations) are supported by this renderer, not strategic merge`);
  }
  const target = patch.target;
  if (target?.kind === undefined || target.name === undefined) throw new Error(`${where}: the target needs a kind and a name`);
  let matched = 0;
  const result = objects.map((o) => {
    const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
    const matches =
      o.kind === target.kind &&
      o.metadata.name === target.name &&
      (target.group === undefined || target.group === group) &&
      (target.version === undefined || target.version === version);
    if (!matches) return o;
    matched += 1;
    try {
      return jsonpatch.applyPatch(o, operations as Operation[], true, false).newDocument;
    } catch (error) {
      throw new Error(`${where}: ${(error as Error).message.split('\n')[0]}`, { cause: error });
    }
  });
  // kustomize ignores a target that matches nothing; here it is a mistake worth failing on.
  if (matched === 0) throw new Error(`${where}: the target ${target.kind}/${target.name} matches no resource`);
  return result;
}

/** The images transformer on pod specs and pod templates: `name[:tag][@digest]` matched by name. */
function setImage(o: KubernetesObject, image: NonNullable<Kustomization['images']>[number]): KubernetesObject {
  const spec = o['spec'] as { containers?: unknown; template?: { spec?: unknown } } | undefined;
  const podSpecs = [spec, spec?.template?.spec] as ({ containers?: { image?: string }[]; initContainers?: { image?: string }[] } | undefined)[];
  if (!podSpecs.some((p) => p?.containers !== undefined)) return o;
  const copy = structuredClone(o);
  const copySpec = copy['spec'] as typeof spec;
  for (const podSpec of [copySpec, copySpec?.template?.spec] as typeof podSpecs) {
    for (const container of [...(podSpec?.containers ?? []), ...(podSpec?.initContainers ?? [])]) {
      if (container.image === undefined) continue;
      const current = splitImage(container.image);
      if (current.name !== image.name) continue;
      const name = image.newName ?? current.name;
      if (image.digest !== undefined) container.image = `${name}@${image.digest}`;
      else if (image.newTag !== undefined) container.image = `${name}:${String(image.newTag)}`;
      else container.image = `${name}${current.tag === undefined ? '' : `:${current.tag}`}${current.digest === undefined ? '' : `@${current.digest}`}`;
    }
  }
  return copy;
}

export function splitImage(image: string): { name: string; tag?: string; digest?: string } {
  const at = image.indexOf('@');
  let name = at === -1 ? image : image.slice(0, at);
  const digest = at === -1 ? undefined : image.slice(at + 1);
  const colon = name.lastIndexOf(':');
  let tag: string | undefined;
  if (colon > name.lastIndexOf('/')) {
    tag = name.slice(colon + 1);
    name = name.slice(0, colon);
  }
  return { name, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) };
}

function assertUniqueIds(objects: KubernetesObject[], dir: string): void {
  const seen = new Set<string>();
  for (const o of objects) {
    const id = `${o.apiVersion.split('/').slice(0, -1).join('/')}|${o.kind}|${o.metadata.namespace ?? ''}|${o.metadata.name}`;
    if (seen.has(id)) throw new Error(`${dir}: ${o.kind}/${o.metadata.name} is defined twice`);
    seen.add(id);
  }
}

function asRecord(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where}: expected a mapping`);
  return value as Record<string, unknown>;
}

function onlyKeys(value: Record<string, unknown>, allowed: readonly string[], where: string): void {
  const unsupported = Object.keys(value).filter((key) => !allowed.includes(key));
  if (unsupported.length > 0) {
    throw new Error(`${where}: ${unsupported.join(', ')} not supported by this renderer (test/support/kustomize.ts supports ${allowed.join(', ')})`);
  }
}
