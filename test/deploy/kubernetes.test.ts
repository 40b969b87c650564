// deploy/kubernetes: every overlay renders (as `kubectl apply -k` would), every object is valid against
// Kubernetes' schemas, and each keeps the deployment rules (test/deploy/manifestRules.ts); the probes
// are asked of the running app; and the rules do catch each way of breaking them.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import jsonpatch, { type Operation } from 'fast-json-patch';
import { readPolicy } from '../../src/domain/policyFile/read.js';
import { eventually } from '../support/bot.js';
import { schemaProblems } from '../support/kubernetesSchemas.js';
import { kustomizeBuild, kustomizeBuildInline, type KubernetesObject } from '../support/kustomize.js';
import { sqliteWriteLock } from '../support/storeOutages.js';
import { useBot } from '../support/world.js';
import { manifestProblems, probePaths, secretVariables, type Expected } from './manifestRules.js';

const ROOT = 'deploy/kubernetes';
/** What each overlay is for; an overlay missing here fails, so a new one says what it must be. */
const EXPECTED: Record<string, Expected> = {
  'socket-mode': { mode: 'socket', engine: 'sqlite', installModes: ['single'] },
  'http-ha': { mode: 'http', engine: 'postgres', installModes: ['single', 'distributed'] },
};
const OVERLAYS = readdirSync(join(ROOT, 'overlays'));
const rendered = new Map(OVERLAYS.map((name) => [name, kustomizeBuild(join(ROOT, 'overlays', name))]));
const render = (name: string) => structuredClone(rendered.get(name)!);
const find = (objects: KubernetesObject[], kind: string) => objects.find((o) => o.kind === kind)!;

test('every overlay is one this test knows the purpose of', () => {
  expect(OVERLAYS.sort()).toEqual(Object.keys(EXPECTED).sort());
});

test('the app’s secret variables are recognised as such', () => {
  expect(secretVariables()).toEqual(
    expect.arrayContaining(['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET', 'SLACK_APP_TOKEN', 'SIMPLISMART_TOKEN', 'DATABASE_URL', 'ENCRYPTION_KEY', 'METRICS_TOKEN']),
  );
  expect(secretVariables()).not.toContain('SIMPLISMART_ORG');
  expect(secretVariables()).not.toContain('SLACK_CLIENT_ID');
});

describe.each(OVERLAYS)('overlay %s', (overlay) => {
  test('every object is valid against the Kubernetes schemas (fields, types, unknown fields)', () => {
    expect(schemaProblems(render(overlay))).toEqual([]);
  });

  test('keeps every deployment rule', () => {
    expect(manifestProblems(render(overlay), EXPECTED[overlay]!)).toEqual([]);
  });

  test('with the optional ServiceMonitor component: valid, and it scrapes /metrics through the Service', () => {
    const objects = kustomizeBuildInline(
      {
        apiVersion: 'kustomize.config.k8s.io/v1beta1',
        kind: 'Kustomization',
        resources: [`overlays/${overlay}`],
        components: ['components/servicemonitor'],
      },
      ROOT,
    );
    expect(schemaProblems(objects)).toEqual([]);
    expect(manifestProblems(objects, EXPECTED[overlay]!)).toEqual([]);
    const monitor = find(objects, 'ServiceMonitor') as KubernetesObject & { spec: { selector: { matchLabels: Record<string, string> }; endpoints: { port: string; path: string }[] } };
    const service = objects.find(
      (o) => o.kind === 'Service' && Object.entries(monitor.spec.selector.matchLabels).every(([k, v]) => o.metadata.labels?.[k] === v),
    ) as (KubernetesObject & { spec: { ports: { name: string }[] } }) | undefined;
    expect(service).toBeDefined();
    expect(monitor.spec.endpoints).toEqual([expect.objectContaining({ path: '/metrics' })]);
    expect(service!.spec.ports.map((p) => p.name)).toContain(monitor.spec.endpoints[0]!.port);
  });
});

describe.each(OVERLAYS)('overlay %s with the optional policy-file component', (overlay) => {
  const objects = kustomizeBuildInline(
    { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [`overlays/${overlay}`], components: ['components/policy-file'] },
    ROOT,
  );
  type Pod = { containers: { env: { name: string; value?: string }[]; volumeMounts: { name: string; mountPath: string; subPath?: string; readOnly?: boolean }[] }[]; volumes: { name: string; configMap?: { name: string } }[] };
  const pod = (find(objects, 'Deployment') as KubernetesObject & { spec: { template: { spec: Pod } } }).spec.template.spec;

  test('valid, and keeps every deployment rule', () => {
    expect(schemaProblems(objects)).toEqual([]);
    expect(manifestProblems(objects, EXPECTED[overlay]!)).toEqual([]);
  });

  test('POLICY_FILE is a key of the ConfigMap, mounted as a folder (no subPath: updates reach the pod), and the policy in it reads', () => {
    const container = pod.containers[0]!;
    const file = container.env.find((e) => e.name === 'POLICY_FILE')?.value ?? '';
    const mount = container.volumeMounts.find((m) => file.startsWith(`${m.mountPath}/`));
    expect(mount).toMatchObject({ readOnly: true });
    expect(mount?.subPath).toBeUndefined();
    const volume = pod.volumes.find((v) => v.name === mount?.name);
    const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === volume?.configMap?.name) as (KubernetesObject & { data: Record<string, string> }) | undefined;
    const text = configMap?.data[file.slice(mount!.mountPath.length + 1)];
    expect(text).toBeDefined();
    const read = readPolicy(text!);
    expect(read.ok ? read.policy.rules.length : read.problems).toBeGreaterThan(0);
  });
});

describe('the probes, asked of the running app', () => {
  // Another process can take the SQLite write lock: the store then no longer accepts a write.
  const { bot, database: store } = useBot({ database: sqliteWriteLock, connect: [] });
  const paths = [...rendered.values()].map(probePaths);
  const readiness = [...new Set(paths.flatMap((p) => p.readiness))];
  const liveness = [...new Set(paths.flatMap((p) => p.liveness))];
  const status = (path: string) => fetch(`${bot.url}${path}`).then((r) => r.status);

  test('readiness follows the store; liveness (and start-up) stays up, so a database outage never restarts the pod', async () => {
    expect(readiness.length).toBeGreaterThan(0);
    expect(liveness.length).toBeGreaterThan(0);
    for (const path of [...readiness, ...liveness]) expect([path, await status(path)]).toEqual([path, 200]);
    await store.breakIt();
    try {
      for (const path of readiness) await eventually(async () => expect([path, await status(path)]).toEqual([path, 503]), 8000);
      for (const path of liveness) expect([path, await status(path)]).toEqual([path, 200]);
    } finally {
      await store.mendIt();
    }
    for (const path of readiness) await eventually(async () => expect([path, await status(path)]).toEqual([path, 200]), 8000);
  }, 30_000);
});

/** One way to break an overlay, as a JSON patch on one of its rendered objects, and the rule that must say so. */
interface Breakage {
  what: string;
  overlay: string;
  kind: string;
  patch: Operation[];
  problem: RegExp;
}
const CONTAINER = '/spec/template/spec/containers/0';
const envIndex = (overlay: string, name: string) =>
  (find(rendered.get(overlay)!, 'Deployment') as KubernetesObject & { spec: { template: { spec: { containers: { env: { name: string }[] }[] } } } })
    .spec.template.spec.containers[0]!.env.findIndex((e) => e.name === name);

const BREAKAGES: Breakage[] = [
  { what: 'two replicas on SQLite', overlay: 'socket-mode', kind: 'Deployment', patch: [{ op: 'replace', path: '/spec/replicas', value: 2 }], problem: /exactly one replica/ },
  { what: 'a rolling update on SQLite', overlay: 'socket-mode', kind: 'Deployment', patch: [{ op: 'replace', path: '/spec/strategy', value: { type: 'RollingUpdate' } }], problem: /Recreate/ },
  { what: 'SQLite on an emptyDir', overlay: 'socket-mode', kind: 'Deployment', patch: [{ op: 'replace', path: '/spec/template/spec/volumes/0', value: { name: 'data', emptyDir: {} } }], problem: /PersistentVolumeClaim/ },
  { what: 'no SLACK_APP_TOKEN in socket-mode', overlay: 'socket-mode', kind: 'Deployment', patch: [{ op: 'remove', path: `${CONTAINER}/env/${envIndex('socket-mode', 'SLACK_APP_TOKEN')}` }], problem: /would run in HTTP mode/ },
  { what: 'an Ingress in Socket Mode', overlay: 'socket-mode', kind: 'Service', patch: [{ op: 'replace', path: '/kind', value: 'Ingress' }], problem: /no Ingress/ },
  { what: 'one replica in http-ha', overlay: 'http-ha', kind: 'Deployment', patch: [{ op: 'replace', path: '/spec/replicas', value: 1 }], problem: /at least 2 replicas/ },
  { what: 'no PodDisruptionBudget', overlay: 'http-ha', kind: 'PodDisruptionBudget', patch: [{ op: 'replace', path: '/kind', value: 'ConfigMap' }], problem: /PodDisruptionBudget/ },
  { what: 'a budget that blocks every drain', overlay: 'http-ha', kind: 'PodDisruptionBudget', patch: [{ op: 'replace', path: '/spec/maxUnavailable', value: 0 }], problem: /let a drain evict one/ },
  { what: 'SLACK_APP_TOKEN in http-ha', overlay: 'http-ha', kind: 'Deployment', patch: [{ op: 'add', path: `${CONTAINER}/env/-`, value: { name: 'SLACK_APP_TOKEN', valueFrom: { secretKeyRef: { name: 'simplismart-slack', key: 'SLACK_APP_TOKEN' } } } }], problem: /would run in Socket Mode/ },
  { what: 'an optional ENCRYPTION_KEY on PostgreSQL', overlay: 'http-ha', kind: 'Deployment', patch: [{ op: 'add', path: `${CONTAINER}/env/${envIndex('http-ha', 'ENCRYPTION_KEY')}/valueFrom/secretKeyRef/optional`, value: true }], problem: /the app refuses this environment with the one-workspace Secret .*: .*ENCRYPTION_KEY is required with PostgreSQL/ },
  { what: 'DATABASE_URL as a plain value', overlay: 'http-ha', kind: 'Deployment', patch: [{ op: 'replace', path: `${CONTAINER}/env/${envIndex('http-ha', 'DATABASE_URL')}`, value: { name: 'DATABASE_URL', value: 'postgres://bot:hunter2@db/bot' } }], problem: /DATABASE_URL is a secret/ },
  { what: 'the bot token as a plain value', overlay: 'socket-mode', kind: 'Deployment', patch: [{ op: 'replace', path: `${CONTAINER}/env/${envIndex('socket-mode', 'SLACK_BOT_TOKEN')}`, value: { name: 'SLACK_BOT_TOKEN', value: 'xoxb-1-2-plain' } }], problem: /SLACK_BOT_TOKEN is a secret/ },
  { what: 'envFrom the Secret', overlay: 'http-ha', kind: 'Deployment', patch: [{ op: 'add', path: `${CONTAINER}/envFrom`, value: [{ secretRef: { name: 'simplismart-slack' } }] }], problem: /envFrom/ },
  { what: 'a Secret in the overlay', overlay: 'http-ha', kind: 'Service', patch: [{ op: 'replace', path: '/kind', value: 'Secret' }], problem: /never rendered from the repository/ },
  { what: 'a misspelt variable', overlay: 'http-ha', kind: 'Deployment', patch: [{ op: 'add', path: `${CONTAINER}/env/-`, value: { name: 'SHUTDOWN_GRACE', value: '1000' } }], problem: /SHUTDOWN_GRACE is not a variable the app reads/ },
  { what: 'a value the app refuses', overlay: 'socket-mode', kind: 'Deployment', patch: [{ op: 'replace', path: `${CONTAINER}/env/${envIndex('socket-mode', 'SHUTDOWN_GRACE_MS')}/value`, value: 'soon' }], problem: /the app refuses this environment with the one-workspace Secret .*: .*SHUTDOWN_GRACE_MS/ },
  { what: 'a grace period shorter than the drain', overlay: 'http-ha', kind: 'Deployment', patch: [{ op: 'replace', path: '/spec/template/spec/terminationGracePeriodSeconds', value: 15 }], problem: /terminationGracePeriodSeconds 15 must be at least 25/ },
  { what: 'a longer drain without a longer grace period', overlay: 'socket-mode', kind: 'Deployment', patch: [{ op: 'replace', path: `${CONTAINER}/env/${envIndex('socket-mode', 'SHUTDOWN_GRACE_MS')}/value`, value: '60000' }], problem: /terminationGracePeriodSeconds 30 must be at least 65/ },
  { what: 'readiness on another port', overlay: 'http-ha', kind: 'Deployment', patch: [{ op: 'replace', path: `${CONTAINER}/readinessProbe/httpGet/port`, value: 8080 }], problem: /readinessProbe port 8080 is not the app's PORT 3000/ },
  { what: 'PORT changed, probes not', overlay: 'socket-mode', kind: 'Deployment', patch: [{ op: 'replace', path: `${CONTAINER}/env/${envIndex('socket-mode', 'PORT')}/value`, value: '8080' }], problem: /livenessProbe port http is not the app's PORT 8080/ },
  { what: 'no liveness probe', overlay: 'socket-mode', kind: 'Deployment', patch: [{ op: 'remove', path: `${CONTAINER}/livenessProbe` }], problem: /no livenessProbe/ },
  { what: 'metrics scraped on another port', overlay: 'http-ha', kind: 'Deployment', patch: [{ op: 'replace', path: '/spec/template/metadata/annotations/prometheus.io~1port', value: '9090' }], problem: /prometheus.io\/port "3000"/ },
  { what: 'running as root', overlay: 'http-ha', kind: 'Deployment', patch: [{ op: 'replace', path: `${CONTAINER}/securityContext/runAsUser`, value: 0 }], problem: /runAsUser must be set and not 0/ },
  { what: 'runAsNonRoot off', overlay: 'socket-mode', kind: 'Deployment', patch: [{ op: 'replace', path: `${CONTAINER}/securityContext/runAsNonRoot`, value: false }], problem: /runAsNonRoot must be true/ },
  { what: 'a writable root filesystem', overlay: 'socket-mode', kind: 'Deployment', patch: [{ op: 'replace', path: `${CONTAINER}/securityContext/readOnlyRootFilesystem`, value: false }], problem: /readOnlyRootFilesystem must be true/ },
  { what: 'privilege escalation', overlay: 'http-ha', kind: 'Deployment', patch: [{ op: 'remove', path: `${CONTAINER}/securityContext/allowPrivilegeEscalation` }], problem: /allowPrivilegeEscalation must be false/ },
  { what: 'capabilities kept', overlay: 'http-ha', kind: 'Deployment', patch: [{ op: 'replace', path: `${CONTAINER}/securityContext/capabilities`, value: { add: ['NET_ADMIN'] } }], problem: /drop must include ALL/ },
  { what: 'no seccomp profile', overlay: 'socket-mode', kind: 'Deployment', patch: [{ op: 'remove', path: `${CONTAINER}/securityContext/seccompProfile` }, { op: 'remove', path: '/spec/template/spec/securityContext/seccompProfile' }], problem: /seccompProfile must be RuntimeDefault/ },
  { what: 'no writable /tmp', overlay: 'http-ha', kind: 'Deployment', patch: [{ op: 'test', path: `${CONTAINER}/volumeMounts/1/mountPath`, value: '/tmp' }, { op: 'remove', path: `${CONTAINER}/volumeMounts/1` }], problem: /\/tmp must be a writable volume mount/ },
  { what: 'DATA_DIR not on a volume', overlay: 'socket-mode', kind: 'Deployment', patch: [{ op: 'replace', path: `${CONTAINER}/env/${envIndex('socket-mode', 'DATA_DIR')}/value`, value: '/app/data' }], problem: /DATA_DIR \/app\/data must be a writable volume mount/ },
  { what: 'no memory limit', overlay: 'http-ha', kind: 'Deployment', patch: [{ op: 'remove', path: `${CONTAINER}/resources/limits/memory` }], problem: /requests and limits for memory/ },
  { what: 'a memory limit at the measured peak', overlay: 'socket-mode', kind: 'Deployment', patch: [{ op: 'replace', path: `${CONTAINER}/resources/limits/memory`, value: '280M' }], problem: /memory limit 280M leaves less than 25%/ },
  { what: 'an image nobody set', overlay: 'http-ha', kind: 'Deployment', patch: [{ op: 'replace', path: `${CONTAINER}/image`, value: 'simplismart-slack' }], problem: /image simplismart-slack must be a registry path/ },
  { what: 'Slack’s path mistyped in the Ingress', overlay: 'http-ha', kind: 'Ingress', patch: [{ op: 'replace', path: '/spec/rules/0/http/paths/0/path', value: '/slack/event' }], problem: /exposes \/slack\/event: only \/slack\/events, / },
  { what: 'Slack’s path missing from the Ingress', overlay: 'http-ha', kind: 'Ingress', patch: [{ op: 'test', path: '/spec/rules/0/http/paths/0/path', value: '/slack/events' }, { op: 'remove', path: '/spec/rules/0/http/paths/0' }], problem: /does not expose \/slack\/events, where Slack sends everything/ },
  { what: 'the install page missing from the Ingress', overlay: 'http-ha', kind: 'Ingress', patch: [{ op: 'test', path: '/spec/rules/0/http/paths/1/path', value: '/slack/install' }, { op: 'remove', path: '/spec/rules/0/http/paths/1' }], problem: /does not expose \/slack\/install: people’s browsers open it/ },
  { what: 'the health route on the Ingress', overlay: 'http-ha', kind: 'Ingress', patch: [{ op: 'replace', path: '/spec/rules/0/http/paths/2/path', value: '/healthz' }], problem: /exposes \/healthz: only .* are public/ },
  { what: 'the bot token required in http-ha (no any-workspace Secret possible)', overlay: 'http-ha', kind: 'Deployment', patch: [{ op: 'remove', path: `${CONTAINER}/env/${envIndex('http-ha', 'SLACK_BOT_TOKEN')}/valueFrom/secretKeyRef/optional` }], problem: /refuses this environment with the any-workspace Secret .*SLACK_BOT_TOKEN cannot be set together/ },
  { what: 'no SLACK_STATE_SECRET in http-ha', overlay: 'http-ha', kind: 'Deployment', patch: [{ op: 'remove', path: `${CONTAINER}/env/${envIndex('http-ha', 'SLACK_STATE_SECRET')}` }], problem: /env lacks SLACK_STATE_SECRET from the Secret: the any-workspace mode needs them/ },
  { what: 'no SLACK_BOT_TOKEN in socket-mode', overlay: 'socket-mode', kind: 'Deployment', patch: [{ op: 'remove', path: `${CONTAINER}/env/${envIndex('socket-mode', 'SLACK_BOT_TOKEN')}` }], problem: /env lacks SLACK_BOT_TOKEN from the Secret: the one-workspace mode needs them/ },
  { what: 'the OAuth credentials in socket-mode (no Ingress for the install page)', overlay: 'socket-mode', kind: 'Deployment', patch: [{ op: 'add', path: `${CONTAINER}/env/-`, value: { name: 'SLACK_CLIENT_ID', valueFrom: { secretKeyRef: { name: 'simplismart-slack', key: 'SLACK_CLIENT_ID', optional: true } } } }], problem: /env reads SLACK_CLIENT_ID, the any-workspace mode's, which this overlay is not for/ },
  { what: 'the Ingress on a port the Service lacks', overlay: 'http-ha', kind: 'Ingress', patch: [{ op: 'replace', path: '/spec/rules/0/http/paths/0/backend/service/port', value: { name: 'web' } }], problem: /not a port of a Service/ },
  { what: 'a Service selecting other pods', overlay: 'http-ha', kind: 'Service', patch: [{ op: 'replace', path: '/spec/selector', value: { app: 'other' } }], problem: /no Service selects the pods/ },
];

describe('the rules catch each way of breaking an overlay', () => {
  test.each(BREAKAGES)('$what ($overlay)', ({ overlay, kind, patch, problem }) => {
    const objects = render(overlay).map((o) => (o.kind === kind ? jsonpatch.applyPatch(o, patch, true, false).newDocument : o));
    const problems = manifestProblems(objects, EXPECTED[overlay]!);
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(problem)]));
  });
});
