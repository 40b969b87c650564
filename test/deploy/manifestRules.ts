// The rules a rendered overlay of deploy/kubernetes must keep, checked against the app's own sources
// (its configuration schema and its ways to run, its secrets, its Slack endpoint and install pages)
// rather than values typed again here. Each broken rule is one line naming the object and what to change.
import { EVENTS_PATH } from '../../src/app.js';
import { configSecrets, ENV_VARIABLES, FALLBACK_VARIABLES, INSTALL_MODE_VARIABLES, loadConfig, type Config, type SlackInstallMode } from '../../src/process/config.js';
import { INSTALL_PATH, REDIRECT_PATH } from '../../src/http/install.js';
import type { KubernetesObject } from '../support/kustomize.js';

/** README, Performance: peak RSS targeted with the image's V8 flags, and the highest measured (issue 12, Intel Xeon). */
const RSS_TARGET_MB = 200;
const RSS_PEAK_MEASURED_MB = 277;
/** After the drain: stopping the sweeper, closing connections and the store. */
const CLOSE_MARGIN_MS = 5000;

/** Valid values for every variable a manifest may take from the Secret (shapes as config.ts checks them). */
const SAMPLES: Record<string, string> = {
  SLACK_SIGNING_SECRET: 'sample-signing-secret-0123456789',
  SLACK_BOT_TOKEN: 'xoxb-000000000000-000000000000-samplebottokenvalue',
  SLACK_CLIENT_ID: '0000000000.0000000000',
  SLACK_CLIENT_SECRET: 'samplec1ientsecret0123456789abcd',
  SLACK_STATE_SECRET: 'sample-state-secret-0123456789',
  SLACK_APP_TOKEN: 'xapp-1-A000000000-0000000000-sampleapptokenvalue',
  SIMPLISMART_TOKEN: 'eyJzYW1wbGUiOjF9.eyJzYW1wbGUiOjJ9.c2FtcGxlLXNpZ25hdHVyZQ',
  SIMPLISMART_ORG: '00000000-0000-4000-8000-000000000000',
  DATABASE_URL: 'postgres://bot:sample-database-password@postgres.example:5432/bot',
  ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  METRICS_TOKEN: 'sample-metrics-token-0123456789',
};

/**
 * The variables whose values are secrets: those whose sample ends up in the app's own list of secrets
 * (configSecrets, which feeds the log scrubber), and any whose name says so.
 */
export function secretVariables(): string[] {
  // Every sample the app takes in one of its ways to run (the two cannot be configured at once).
  const fromApp = INSTALL_MODES.flatMap((mode) => {
    const largest = secretsOf(mode)[1]!;
    const samples = Object.fromEntries(Object.entries(SAMPLES).filter(([name]) => largest(name)));
    const secrets = configSecrets(loadConfig(samples));
    return Object.keys(samples).filter((name) => secrets.some((secret) => samples[name]!.includes(secret)));
  });
  const byName = ENV_VARIABLES.filter((name) => /TOKEN|SECRET|PASSWORD|KEY|DATABASE_URL/.test(name));
  return [...new Set([...fromApp, ...byName])].sort();
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean }; [source: string]: unknown };
}
interface Probe {
  httpGet?: { path?: string; port: number | string };
}
interface Container {
  name: string;
  image?: string;
  env?: EnvVar[];
  envFrom?: unknown[];
  ports?: { name?: string; containerPort: number }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command?: string[] }; sleep?: { seconds: number } } };
  resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> };
  securityContext?: SecurityContext;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  fsGroup?: number;
  allowPrivilegeEscalation?: boolean;
  privileged?: boolean;
  readOnlyRootFilesystem?: boolean;
  capabilities?: { add?: string[]; drop?: string[] };
  seccompProfile?: { type: string };
}
interface PodSpec {
  containers: Container[];
  securityContext?: SecurityContext;
  terminationGracePeriodSeconds?: number;
  automountServiceAccountToken?: boolean;
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  volumes?: { name: string; persistentVolumeClaim?: { claimName: string }; emptyDir?: unknown }[];
}
interface Deployment extends KubernetesObject {
  spec: {
    replicas?: number;
    strategy?: { type?: string; rollingUpdate?: { maxUnavailable?: number | string } };
    selector: { matchLabels?: Record<string, string> };
    template: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: PodSpec };
  };
}

export type Mode = 'socket' | 'http';
export type InstallMode = SlackInstallMode['mode'];
export interface Expected {
  mode: Mode;
  engine: Config['database']['engine'];
  /** The ways to run the Secret may choose between (README, Install modes): one workspace, any workspace, or both. */
  installModes: readonly InstallMode[];
}

const INSTALL_MODES = Object.keys(INSTALL_MODE_VARIABLES) as InstallMode[];
const INSTALL_MODE_NAMES: Record<InstallMode, string> = { single: 'one-workspace', distributed: 'any-workspace' };

/**
 * What the app makes of a Deployment's environment: plain values, plus a sample for each Secret key it
 * requires and for each optional key `inSecret` says the Secret holds.
 */
function appConfig(env: EnvVar[], inSecret: (key: string) => boolean): Readonly<Config> {
  const values: Record<string, string> = {};
  for (const v of env) {
    const ref = v.valueFrom?.secretKeyRef;
    if (v.value !== undefined) values[v.name] = v.value;
    else if (ref !== undefined && (ref.optional !== true || inSecret(ref.key))) values[v.name] = SAMPLES[ref.key] ?? 'sample';
  }
  return loadConfig(values);
}

/**
 * The Secret of one way to run, at its smallest (that mode's keys) and at its largest (every optional
 * key that mode takes: not the other mode's, not the fallback token with any-workspace installs).
 */
function secretsOf(mode: InstallMode): Array<(key: string) => boolean> {
  const own = new Set(INSTALL_MODE_VARIABLES[mode]);
  const others = new Set(INSTALL_MODES.filter((m) => m !== mode).flatMap((m) => INSTALL_MODE_VARIABLES[m]));
  const refused = new Set<string>(mode === 'distributed' ? FALLBACK_VARIABLES : []);
  return [(key) => own.has(key), (key) => !others.has(key) && !refused.has(key)];
}

/** The problems of the install modes: each expected one offered by the env (its keys read from the Secret), no other. */
function installModeProblems(env: EnvVar[], expected: readonly InstallMode[]): string[] {
  const readKeys = new Set(env.flatMap((v) => (v.valueFrom?.secretKeyRef === undefined ? [] : [v.valueFrom.secretKeyRef.key])));
  const problems: string[] = [];
  for (const mode of INSTALL_MODES) {
    const keys = INSTALL_MODE_VARIABLES[mode];
    const missing = keys.filter((k) => !readKeys.has(k));
    if (expected.includes(mode) && missing.length > 0) problems.push(`env lacks ${missing.join(', ')} from the Secret: the ${INSTALL_MODE_NAMES[mode]} mode needs them (README, Install modes)`);
    if (!expected.includes(mode) && missing.length < keys.length) problems.push(`env reads ${keys.filter((k) => readKeys.has(k)).join(', ')}, the ${INSTALL_MODE_NAMES[mode]} mode's, which this overlay is not for`);
  }
  return problems;
}

const ofKind = <T extends KubernetesObject>(objects: KubernetesObject[], kind: string) => objects.filter((o) => o.kind === kind) as T[];
const matches = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
  selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/** Bytes in a Kubernetes quantity (memory) or cores (cpu): 384Mi, 1Gi, 500M, 100m, 1. */
export function quantity(value: string | number | undefined): number {
  if (value === undefined) return NaN;
  const m = /^(\d+(?:\.\d+)?)(m|k|M|G|Ki|Mi|Gi)?$/.exec(String(value));
  if (m === null) return NaN;
  const units: Record<string, number> = { '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 };
  return Number(m[1]) * units[m[2] ?? '']!;
}

/** The port a probe or Service targets, as a number: a named port is looked up on the container. */
function resolvePort(port: number | string | undefined, container: Container): number | undefined {
  if (typeof port === 'number') return port;
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

/** The preStop pause in ms (it counts against terminationGracePeriodSeconds). */
function preStopMs(container: Container): number {
  const preStop = container.lifecycle?.preStop;
  if (preStop?.sleep !== undefined) return preStop.sleep.seconds * 1000;
  const command = preStop?.exec?.command;
  if (command?.[0] === 'sleep') return Number(command[1]) * 1000;
  return 0;
}

/** Every probe path of every container, by kind of probe (for the test that asks the running app). */
export function probePaths(objects: KubernetesObject[]): { readiness: string[]; liveness: string[] } {
  const containers = ofKind<Deployment>(objects, 'Deployment').flatMap((d) => d.spec.template.spec.containers);
  const paths = (probe: (c: Container) => Probe | undefined) => containers.map((c) => probe(c)?.httpGet?.path ?? '(none)');
  return {
    readiness: paths((c) => c.readinessProbe),
    liveness: [...paths((c) => c.livenessProbe), ...containers.filter((c) => c.startupProbe !== undefined).map((c) => c.startupProbe?.httpGet?.path ?? '(none)')],
  };
}

/** Every rule the overlay breaks, one line each; empty when it keeps them all. */
export function manifestProblems(objects: KubernetesObject[], expected: Expected): string[] {
  const problems: string[] = [];
  const deployments = ofKind<Deployment>(objects, 'Deployment');
  if (deployments.length !== 1) problems.push(`expected exactly one Deployment, found ${deployments.length}`);
  for (const o of ofKind(objects, 'Secret')) problems.push(`Secret/${o.metadata.name}: secrets are created in the cluster (README), never rendered from the repository`);
  for (const d of deployments) problems.push(...deploymentProblems(d, objects, expected).map((p) => `Deployment/${d.metadata.name}: ${p}`));
  // A rule broken alike by each Secret an overlay takes is said once.
  return [...new Set(problems)];
}

function deploymentProblems(d: Deployment, objects: KubernetesObject[], expected: Expected): string[] {
  const problems: string[] = [];
  const pod = d.spec.template.spec;
  const podLabels = d.spec.template.metadata?.labels;
  const replicas = d.spec.replicas ?? 1;
  if (pod.containers.length !== 1) return [`expected one container, found ${pod.containers.length}`];
  const container = pod.containers[0]!;
  const env = container.env ?? [];
  const secretNames = secretVariables();
  const secretRefs = new Set<string>();

  // Environment: variables the app reads; secrets only by reference to the one Secret.
  if (container.envFrom !== undefined) problems.push('envFrom imports every key of a Secret or ConfigMap (SLACK_APP_TOKEN would switch HTTP mode to Socket Mode): name each variable in env');
  const seen = new Set<string>();
  for (const v of env) {
    if (seen.has(v.name)) problems.push(`env ${v.name} is set twice`);
    seen.add(v.name);
    if (!ENV_VARIABLES.includes(v.name)) problems.push(`env ${v.name} is not a variable the app reads (src/process/config.ts)`);
    const ref = v.valueFrom?.secretKeyRef;
    if (secretNames.includes(v.name) && ref === undefined) problems.push(`env ${v.name} is a secret: take it from the Secret (valueFrom.secretKeyRef), never a plain value`);
    if (ref !== undefined) {
      secretRefs.add(ref.name);
      if (ref.key !== v.name) problems.push(`env ${v.name} reads Secret key ${ref.key}: use the variable's own name as the key (README lists the keys)`);
    }
  }
  if (secretRefs.size > 1) problems.push(`env reads ${secretRefs.size} Secrets (${[...secretRefs].join(', ')}): keep one, the README's`);

  // Each expected way to run: the app starts with that mode's Secret, at its smallest and its largest.
  if (expected.installModes.length === 0) return [...problems, 'an overlay is for at least one way to run (installModes)'];
  problems.push(...installModeProblems(env, expected.installModes));
  let config: Readonly<Config> | undefined;
  for (const installMode of expected.installModes) {
    for (const inSecret of secretsOf(installMode)) {
      try {
        const loaded = appConfig(env, inSecret);
        config ??= loaded;
        if (loaded.slack.install.mode !== installMode) problems.push(`with the ${INSTALL_MODE_NAMES[installMode]} Secret the app would run in the ${INSTALL_MODE_NAMES[loaded.slack.install.mode]} mode`);
      } catch (error) {
        problems.push(`the app refuses this environment with the ${INSTALL_MODE_NAMES[installMode]} Secret (${INSTALL_MODE_VARIABLES[installMode].join(', ')}): ${(error as Error).message}`);
      }
    }
  }
  if (config === undefined) return problems;
  const mode: Mode = config.slack.appToken === undefined ? 'http' : 'socket';
  if (mode !== expected.mode) problems.push(`the app would run in ${mode === 'socket' ? 'Socket Mode' : 'HTTP mode'}, expected ${expected.mode === 'socket' ? 'Socket Mode' : 'HTTP mode'} (SLACK_APP_TOKEN decides)`);
  if (config.database.engine !== expected.engine) problems.push(`the app would store on ${config.database.engine}, expected ${expected.engine}`);
  const port = config.http.port;

  // Probes and metrics on the app's port.
  const appPort = container.ports?.find((p) => p.containerPort === port);
  if (appPort === undefined) problems.push(`no containerPort ${port} (the app's PORT)`);
  for (const [kind, probe] of [['readinessProbe', container.readinessProbe], ['livenessProbe', container.livenessProbe], ['startupProbe', container.startupProbe]] as const) {
    if (probe === undefined) {
      if (kind !== 'startupProbe') problems.push(`no ${kind}`);
      continue;
    }
    if (probe.httpGet === undefined) problems.push(`${kind} must be an HTTP GET on the app's health routes`);
    else if (resolvePort(probe.httpGet.port, container) !== port) problems.push(`${kind} port ${probe.httpGet.port} is not the app's PORT ${port}`);
  }
  const annotations = d.spec.template.metadata?.annotations ?? {};
  if (annotations['prometheus.io/scrape'] !== 'true' || annotations['prometheus.io/port'] !== String(port) || annotations['prometheus.io/path'] !== '/metrics') {
    problems.push(`the pod template needs prometheus.io/scrape "true", prometheus.io/port "${port}", prometheus.io/path /metrics`);
  }

  // Shutdown: Kubernetes must not SIGKILL the bot while it drains in-flight imports.
  const graceMs = (pod.terminationGracePeriodSeconds ?? 30) * 1000;
  const neededMs = preStopMs(container) + config.shutdownGraceMs + CLOSE_MARGIN_MS;
  if (!(graceMs >= neededMs)) {
    problems.push(`terminationGracePeriodSeconds ${graceMs / 1000} must be at least ${neededMs / 1000}: preStop ${preStopMs(container) / 1000} s + SHUTDOWN_GRACE_MS ${config.shutdownGraceMs / 1000} s + ${CLOSE_MARGIN_MS / 1000} s to close`);
  }

  // Security.
  const podSecurity = pod.securityContext ?? {};
  const security = container.securityContext ?? {};
  const effective = <K extends keyof SecurityContext>(key: K) => security[key] ?? podSecurity[key];
  if (effective('runAsNonRoot') !== true) problems.push('runAsNonRoot must be true');
  const uid = effective('runAsUser');
  if (uid === undefined || uid === 0) problems.push('runAsUser must be set and not 0 (root): the image runs as node, uid 1000');
  if (security.allowPrivilegeEscalation !== false) problems.push('allowPrivilegeEscalation must be false');
  if (security.privileged === true) problems.push('privileged must not be true');
  if (security.readOnlyRootFilesystem !== true) problems.push('readOnlyRootFilesystem must be true (writable volumes for the data and /tmp)');
  if (!(security.capabilities?.drop ?? []).includes('ALL')) problems.push('capabilities.drop must include ALL');
  if ((security.capabilities?.add ?? []).length > 0) problems.push(`capabilities.add must be empty (found ${security.capabilities?.add?.join(', ')})`);
  if (effective('seccompProfile')?.type !== 'RuntimeDefault') problems.push('seccompProfile must be RuntimeDefault');
  if (pod.hostNetwork === true || pod.hostPID === true || pod.hostIPC === true) problems.push('no host network, PID or IPC namespace');
  if (pod.automountServiceAccountToken !== false) problems.push('automountServiceAccountToken must be false: the bot never calls the Kubernetes API');
  const writable = (path: string) => (container.volumeMounts ?? []).find((m) => m.mountPath.replace(/\/$/, '') === path.replace(/\/$/, '') && m.readOnly !== true);
  const dataMount = writable(config.dataDir);
  if (dataMount === undefined) problems.push(`DATA_DIR ${config.dataDir} must be a writable volume mount (the root filesystem is read-only)`);
  if (writable('/tmp') === undefined) problems.push('/tmp must be a writable volume mount (the root filesystem is read-only)');
  if (podSecurity.fsGroup === undefined) problems.push('fsGroup must be set, so that the data volume is writable by the non-root user');

  // Resources, from the measured RSS.
  const { requests = {}, limits = {} } = container.resources ?? {};
  for (const resource of ['cpu', 'memory']) {
    if (requests[resource] === undefined || limits[resource] === undefined) problems.push(`resources need requests and limits for ${resource}`);
    else if (!(quantity(requests[resource]) <= quantity(limits[resource]))) problems.push(`${resource} request ${requests[resource]} is above its limit ${limits[resource]}`);
  }
  const mb = (value: string | number | undefined) => quantity(value) / 1e6;
  if (!(mb(requests['memory']) >= RSS_TARGET_MB)) problems.push(`memory request ${requests['memory']} is below the ${RSS_TARGET_MB} MB peak RSS the app is sized for (README, Performance)`);
  if (!(mb(limits['memory']) >= RSS_PEAK_MEASURED_MB * 1.25)) problems.push(`memory limit ${limits['memory']} leaves less than 25% over the highest measured peak RSS, ${RSS_PEAK_MEASURED_MB} MB: an OOM kill mid-import leaves its outcome unknown`);

  // The image: set by the overlay's `images:`, pinned.
  const image = container.image ?? '';
  if (!image.includes('/') || !/(:[\w.-]+|@sha256:[0-9a-f]{64})$/.test(image) || image.endsWith(':latest')) {
    problems.push(`image ${image || '(none)'} must be a registry path with a version tag or digest (the overlay's images:)`);
  }

  // Storage and replicas.
  if (config.database.engine === 'sqlite') {
    if (replicas !== 1) problems.push(`SQLite serves one process: exactly one replica (found ${replicas})`);
    if (d.spec.strategy?.type !== 'Recreate') problems.push('SQLite serves one process: strategy must be Recreate, so two pods never share the file during a rollout');
    const volume = pod.volumes?.find((v) => v.name === dataMount?.name);
    const claim = volume?.persistentVolumeClaim?.claimName;
    if (claim === undefined) problems.push(`the SQLite file in ${config.dataDir} must be on a PersistentVolumeClaim, or it is lost with the pod`);
    else if (!objects.some((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === claim)) problems.push(`PersistentVolumeClaim ${claim} is not part of the overlay`);
    const file = config.database.url.replace(/^(sqlite|file):/, '');
    if (!file.startsWith(`${config.dataDir.replace(/\/$/, '')}/`)) problems.push(`the SQLite file ${file} is not in DATA_DIR ${config.dataDir}`);
  }
  // (PostgreSQL without a required ENCRYPTION_KEY: the app's own configuration refuses it, above.)
  if (mode === 'http') {
    if (config.database.engine === 'postgres' && replicas < 2) problems.push(`HTTP mode on PostgreSQL is for high availability: at least 2 replicas (found ${replicas})`);
    if (d.spec.strategy?.type === 'Recreate') problems.push('HTTP mode must roll updates, not Recreate (every request would fail meanwhile)');
    else if (replicas > 1 && String(d.spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%') !== '0') problems.push('rollingUpdate.maxUnavailable must be 0: a new pod is ready before an old one leaves');
    problems.push(...serviceProblems(objects, podLabels, container, port));
    problems.push(...ingressProblems(objects, expected.installModes.includes('distributed')));
    if (replicas > 1) problems.push(...disruptionBudgetProblems(objects, podLabels, replicas));
  } else if (ofKind(objects, 'Ingress').length > 0) {
    problems.push('Socket Mode receives nothing over HTTP: no Ingress');
  }
  return problems;
}

function serviceProblems(objects: KubernetesObject[], podLabels: Record<string, string> | undefined, container: Container, port: number): string[] {
  const services = ofKind<KubernetesObject & { spec: { selector?: Record<string, string>; ports: { name?: string; targetPort?: number | string }[] } }>(objects, 'Service');
  const service = services.find((s) => matches(s.spec.selector, podLabels));
  if (service === undefined) return ['no Service selects the pods'];
  if (!service.spec.ports.some((p) => resolvePort(p.targetPort, container) === port)) return [`Service/${service.metadata.name} has no port targeting the app's PORT ${port}`];
  return [];
}

/** What the Ingress may expose: Slack's endpoint and, for installs in any workspace, the install page and its redirect. */
const PUBLIC_PATHS = [EVENTS_PATH, INSTALL_PATH, REDIRECT_PATH];

function ingressProblems(objects: KubernetesObject[], installs: boolean): string[] {
  type Backend = { service?: { name: string; port: { name?: string; number?: number } } };
  type Ingress = KubernetesObject & { spec: { rules?: { http?: { paths: { path?: string; backend: Backend }[] } }[] } };
  const ingresses = ofKind<Ingress>(objects, 'Ingress');
  if (ingresses.length === 0) return [`HTTP mode needs an Ingress for ${EVENTS_PATH}`];
  const problems: string[] = [];
  const exposed = ingresses.flatMap((i) => (i.spec.rules ?? []).flatMap((r) => r.http?.paths ?? []).map((p) => p.path));
  const needed = installs ? PUBLIC_PATHS : [EVENTS_PATH];
  for (const path of needed.filter((p) => !exposed.includes(p))) {
    problems.push(`the Ingress does not expose ${path}${path === EVENTS_PATH ? ', where Slack sends everything' : ': people’s browsers open it to install the app in their workspace (src/http/install.ts)'}`);
  }
  for (const ingress of ingresses) {
    for (const { path, backend } of (ingress.spec.rules ?? []).flatMap((r) => r.http?.paths ?? [])) {
      if (path === undefined || !PUBLIC_PATHS.includes(path)) {
        problems.push(`Ingress/${ingress.metadata.name} exposes ${path ?? '/'}: only ${PUBLIC_PATHS.join(', ')} (src/app.ts EVENTS_PATH, src/http/install.ts) are public; health and metrics stay inside`);
      }
      const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === backend.service?.name) as
        | (KubernetesObject & { spec: { ports: { name?: string; port: number }[] } })
        | undefined;
      const target = backend.service?.port;
      if (service === undefined || !service.spec.ports.some((p) => (target?.name !== undefined ? p.name === target.name : p.port === target?.number))) {
        problems.push(`Ingress/${ingress.metadata.name} routes ${path ?? '/'} to ${backend.service?.name ?? '?'}:${target?.name ?? target?.number ?? '?'}, which is not a port of a Service in the overlay`);
      }
    }
  }
  return problems;
}

function disruptionBudgetProblems(objects: KubernetesObject[], podLabels: Record<string, string> | undefined, replicas: number): string[] {
  type Budget = KubernetesObject & { spec: { selector?: { matchLabels?: Record<string, string> }; minAvailable?: number | string; maxUnavailable?: number | string } };
  const budget = ofKind<Budget>(objects, 'PodDisruptionBudget').find((b) => matches(b.spec.selector?.matchLabels, podLabels));
  if (budget === undefined) return ['several replicas need a PodDisruptionBudget selecting them (node drains take one at a time)'];
  const { minAvailable, maxUnavailable } = budget.spec;
  const keepsOne = typeof minAvailable === 'number' ? minAvailable >= 1 && minAvailable < replicas : typeof maxUnavailable === 'number' && maxUnavailable >= 1 && maxUnavailable < replicas;
  return keepsOne ? [] : [`PodDisruptionBudget/${budget.metadata.name} must keep at least one replica up and still let a drain evict one (a number, below ${replicas})`];
}
