// Checks Kubernetes objects against the API's own schemas as published on npm by kubernetes-models
// (generated from Kubernetes' OpenAPI document): its JSON-schema validators for types, required fields,
// enums and formats, and TypeScript over its generated types for unknown fields — which the JSON
// schemas let through but the API server's strict field validation (kubectl's default) refuses.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Service } from 'kubernetes-models/v1/Service';
import ts from 'typescript';
import type { KubernetesObject } from './kustomize.js';

interface Schema {
  model: new (data: never) => { validate(): void };
  /** The module and interface of the same object's generated TypeScript type. */
  type: [module: string, name: string];
}

/** Every kind deploy/kubernetes renders; another kind is a problem until it is added here. */
const SCHEMAS: Record<string, Schema> = {
  'apps/v1/Deployment': { model: Deployment, type: ['kubernetes-models/apps/v1/Deployment', 'IDeployment'] },
  'v1/Service': { model: Service, type: ['kubernetes-models/v1/Service', 'IService'] },
  'v1/ConfigMap': { model: ConfigMap, type: ['kubernetes-models/v1/ConfigMap', 'IConfigMap'] },
  'v1/PersistentVolumeClaim': { model: PersistentVolumeClaim, type: ['kubernetes-models/v1/PersistentVolumeClaim', 'IPersistentVolumeClaim'] },
  'networking.k8s.io/v1/Ingress': { model: Ingress, type: ['kubernetes-models/networking.k8s.io/v1/Ingress', 'IIngress'] },
  'policy/v1/PodDisruptionBudget': { model: PodDisruptionBudget, type: ['kubernetes-models/policy/v1/PodDisruptionBudget', 'IPodDisruptionBudget'] },
  'monitoring.coreos.com/v1/ServiceMonitor': {
    model: ServiceMonitor,
    type: ['@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor', 'IServiceMonitor'],
  },
};

const label = (o: KubernetesObject) => `${o.kind}/${o.metadata.name}`;

/** One line per problem, naming the object; empty when every object is valid. */
export function schemaProblems(objects: KubernetesObject[]): string[] {
  const problems: string[] = [];
  const known: KubernetesObject[] = [];
  for (const o of objects) {
    const schema = SCHEMAS[`${o.apiVersion}/${o.kind}`];
    if (schema === undefined) {
      problems.push(`${label(o)}: no schema for ${o.apiVersion} ${o.kind} (add it to test/support/kubernetesSchemas.ts)`);
      continue;
    }
    known.push(o);
    try {
      new schema.model(structuredClone(o) as never).validate();
    } catch (error) {
      problems.push(`${label(o)}: ${(error as Error).message}`);
    }
  }
  return [...problems, ...unknownFields(known)];
}

/**
 * Type-checks `const o: IDeployment = {…}` for every object in one in-memory program: TypeScript's
 * excess-property check names each field the type does not have, at any depth.
 */
function unknownFields(objects: KubernetesObject[]): string[] {
  if (objects.length === 0) return [];
  // Inside the repository, so that the imports resolve from its node_modules; never written to disk.
  const file = join(dirname(fileURLToPath(import.meta.url)), '__kubernetes_objects__.ts');
  const starts: number[] = [];
  let source = '';
  objects.forEach((o, i) => {
    const [module, name] = SCHEMAS[`${o.apiVersion}/${o.kind}`]!.type;
    source += `import type { ${name} as T${i} } from '${module}';\n`;
  });
  objects.forEach((o, i) => {
    starts.push(source.length);
    source += `export const o${i}: T${i} = ${JSON.stringify(o, null, 2)};\n`;
  });
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    target: ts.ScriptTarget.ES2023,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    name === file ? ts.createSourceFile(name, source, language) : getSourceFile(name, language, ...rest);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    const index = d.start === undefined ? -1 : starts.findLastIndex((s) => s <= d.start!);
    if (d.file?.fileName !== file || d.start === undefined || index === -1) return `TypeScript: ${message}`;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${label(objects[index]!)}: ${message} (at ${d.file.text.split('\n')[line]!.trim()})`;
  });
}
