// The bodies Simplismart documents, as zod schemas: `POST /infrastructure/clusters/existing` (import a
// cluster) and `POST /infrastructure/node-groups/{cluster_id}/import-cluster` (add node groups to one).
// What passes is exactly what the API documents (its field names, `is_auxilliary` included), nothing more.
import { z } from 'zod';
import { menuOptionReadAs } from './menuOptions.js';

export const PROVIDERS = ['aws', 'gcp', 'azure', 'oci', 'kubernetes', 'e2e', 'shakti-cloud'] as const;
export type Provider = (typeof PROVIDERS)[number];

export const PROVIDER_LABELS: Record<Provider, string> = {
  aws: 'Amazon Web Services (aws)',
  gcp: 'Google Cloud Platform (gcp)',
  azure: 'Microsoft Azure (azure)',
  oci: 'Oracle Cloud Infrastructure (oci)',
  kubernetes: 'Generic Kubernetes (kubernetes)',
  e2e: 'E2E Cloud (e2e)',
  'shakti-cloud': 'Shakti Cloud (shakti-cloud)',
};

/** Providers for which the API requires `region`; for every other provider it must be `null`. */
export const REGION_PROVIDERS: readonly Provider[] = ['aws', 'gcp'];

export const SERVICE_TYPES = ['LoadBalancer', 'NodePort'] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

export const CAPACITY_TYPES = ['ON_DEMAND', 'SPOT'] as const;
export type CapacityType = (typeof CAPACITY_TYPES)[number];

/** Accelerator types named in Simplismart's docs; others exist, so any lower-case slug is accepted. */
export const DOCUMENTED_ACCELERATORS = [
  'nvidia-a10g',
  'nvidia-a100',
  'nvidia-h100',
  'nvidia-tesla-t4',
  'nvidia-l4',
] as const;

/** Upper bounds that keep a typo ("1000000 nodes") from reaching the API; far above real clusters. */
export const LIMITS = {
  nameLength: 100,
  slugLength: 63,
  nodeGroupNameLength: 63,
  machineTypeLength: 100,
  acceleratorTypeLength: 63,
  nodeCount: 1000,
  acceleratorCount: 16,
  vcpu: 1024,
  memoryGb: 65536,
  nodeGroups: 50,
  toolCategories: 20,
  toolsPerCategory: 50,
  urlLength: 2000,
} as const;

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** Kubernetes label value rules: node groups are selected by `simplismart.ai/node-pool-name=<name>`. */
export const NODE_GROUP_NAME_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;
export const ACCELERATOR_PATTERN = /^[a-z0-9]+(?:[-.][a-z0-9]+)*$/;
export const REGION_PATTERN = /^[a-z]+(?:-[a-z0-9]+)+$/;
export const COLOR_PATTERN = /^#[0-9A-Fa-f]{6}$/;
export const TOOL_CATEGORY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 _-]{0,39}$/;

const uuid = z.guid({ error: 'Enter a UUID such as 54360212-2263-44c6-afaf-1333544854f7.' });

/** Whether `text` is a UUID as the API takes them (the schemas' own check). */
export function isUuid(text: string): boolean {
  return uuid.safeParse(text).success;
}

/** How a name would pass for something else where people pick things by name. */
export type Impersonation = { kind: 'uuid' } | { kind: 'menu_option'; option: string };

/**
 * Whether `name` (of a cluster, or of a named reference) would pass for something it is not: a name
 * shaped like a UUID reads as that UUID wherever names and UUIDs are both taken (`/simplismart clusters
 * <uuid>`, a menu of names showing it beside “Other (UUID)…”), and a name that reads as a menu's own
 * option puts two such options in one menu. Either way someone picks it meaning another UUID.
 */
export function impersonation(name: string): Impersonation | undefined {
  if (isUuid(name.trim())) return { kind: 'uuid' };
  const option = menuOptionReadAs(name);
  return option === undefined ? undefined : { kind: 'menu_option', option };
}

/** Names people pick clusters by: the import form's name, refused when it would pass for a UUID or a menu option. */
const clusterName = z
  .string()
  .trim()
  .min(1, { error: 'Give the cluster a name.' })
  .max(LIMITS.nameLength, { error: `Keep the name under ${LIMITS.nameLength} characters.` })
  .superRefine((name, ctx) => {
    const found = impersonation(name);
    if (found === undefined) return;
    ctx.addIssue({
      code: 'custom',
      message:
        found.kind === 'uuid'
          ? 'A cluster name cannot be a UUID: commands read a UUID as the cluster that has it. Give the cluster a name people recognise, e.g. Prod cluster.'
          : `“${found.option}” is the cluster menu’s own choice for typing a UUID: give the cluster another name, e.g. Prod cluster.`,
    });
  });

const count = (what: string) =>
  z
    .int({ error: `${what} must be a whole number.` })
    .min(0, { error: `${what} cannot be negative.` })
    .max(LIMITS.nodeCount, { error: `${what} must be at most ${LIMITS.nodeCount}.` });

const httpUrl = z
  .url({ protocol: /^https?$/, error: 'Enter an http(s) URL, e.g. https://example.com/logo.png.' })
  .max(LIMITS.urlLength, { error: `Keep the URL under ${LIMITS.urlLength} characters.` });

const color = z.string().regex(COLOR_PATTERN, { error: 'Enter a colour as #RRGGBB, e.g. #2563EB.' });

/**
 * Cross-field rules run even when a field already failed with an "aborting" issue (a bad enum value or
 * IP address), so that a form shows every problem at once instead of one round at a time.
 */
const RUN_EVEN_WHEN_INVALID = {
  when: (payload: { value: unknown }) => typeof payload.value === 'object' && payload.value !== null,
};

const port = z
  .int({ error: 'A port is a whole number.' })
  .min(1, { error: 'Ports run from 1 to 65535.' })
  .max(65535, { error: 'Ports run from 1 to 65535.' });

export const nodeConfigSchema = z
  .strictObject({
    machine_type: z
      .string()
      .min(1)
      .max(LIMITS.machineTypeLength, { error: `Keep the machine type under ${LIMITS.machineTypeLength} characters.` })
      .regex(/^\S+$/, { error: 'A machine type has no spaces, e.g. g5.2xlarge.' })
      .optional(),
    capacity_type: z.enum(CAPACITY_TYPES, { error: 'Capacity type is ON_DEMAND or SPOT.' }).optional(),
    min_node_count: count('Min nodes').optional(),
    max_node_count: count('Max nodes').optional(),
    desired_count: count('Desired nodes').optional(),
    accelerator_type: z
      .string()
      .max(LIMITS.acceleratorTypeLength, { error: `Keep the accelerator type under ${LIMITS.acceleratorTypeLength} characters.` })
      .regex(ACCELERATOR_PATTERN, {
        error: `Use a lower-case accelerator slug such as ${DOCUMENTED_ACCELERATORS.join(', ')}.`,
      })
      .optional(),
    accelerator_count: z
      .int({ error: 'GPUs per node must be a whole number.' })
      .min(1, { error: 'GPUs per node must be at least 1.' })
      .max(LIMITS.acceleratorCount, { error: `GPUs per node must be at most ${LIMITS.acceleratorCount}.` })
      .optional(),
    vcpu: z
      .int({ error: 'vCPU must be a whole number.' })
      .min(1, { error: 'vCPU must be at least 1.' })
      .max(LIMITS.vcpu, { error: `vCPU must be at most ${LIMITS.vcpu}.` })
      .optional(),
    memory: z
      .int({ error: 'Memory (GB) must be a whole number.' })
      .min(1, { error: 'Memory (GB) must be at least 1.' })
      .max(LIMITS.memoryGb, { error: `Memory must be at most ${LIMITS.memoryGb} GB.` })
      .optional(),
  })
  .superRefine((config, ctx) => {
    // Counts that already failed their own check (a string, say) are not compared.
    const number = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
    const [min, max, desired] = [config.min_node_count, config.max_node_count, config.desired_count].map(number);
    if (min !== undefined && max !== undefined && min > max) {
      ctx.addIssue({ code: 'custom', path: ['max_node_count'], message: `Max nodes (${max}) is below min nodes (${min}).` });
    }
    if (desired !== undefined && min !== undefined && desired < min) {
      ctx.addIssue({ code: 'custom', path: ['desired_count'], message: `Desired nodes (${desired}) is below min nodes (${min}).` });
    }
    if (desired !== undefined && max !== undefined && desired > max) {
      ctx.addIssue({ code: 'custom', path: ['desired_count'], message: `Desired nodes (${desired}) is above max nodes (${max}).` });
    }
    const hasType = config.accelerator_type !== undefined;
    const hasCount = config.accelerator_count !== undefined;
    if (hasType && !hasCount) {
      ctx.addIssue({ code: 'custom', path: ['accelerator_count'], message: 'Give the number of GPUs per node for this accelerator type.' });
    }
    if (hasCount && !hasType) {
      ctx.addIssue({ code: 'custom', path: ['accelerator_type'], message: 'Choose the accelerator type for these GPUs.' });
    }
  }, RUN_EVEN_WHEN_INVALID);
export type NodeConfig = z.infer<typeof nodeConfigSchema>;

export const nodeGroupSchema = z.strictObject({
  name: z
    .string()
    .min(1, { error: 'Give the node group a name.' })
    .max(LIMITS.nodeGroupNameLength, { error: `Keep node group names to ${LIMITS.nodeGroupNameLength} characters.` })
    .regex(NODE_GROUP_NAME_PATTERN, {
      error: 'Use letters, digits, "-", "_" or "." (start and end with a letter or digit): it becomes the node label value.',
    }),
  is_auxilliary: z.boolean(),
  node_config: nodeConfigSchema.optional(),
});
export type NodeGroup = z.infer<typeof nodeGroupSchema>;

export const avatarSchema = z.strictObject({
  image_url: httpUrl,
  font_color: color,
  background_color: color,
});
export type Avatar = z.infer<typeof avatarSchema>;

/** The node groups of a body: at least one, and at most LIMITS.nodeGroups `per` request. */
function nodeGroupList(per: string) {
  return z
    .array(nodeGroupSchema)
    .min(1, { error: 'Add at least one node group.' })
    .max(LIMITS.nodeGroups, { error: `At most ${LIMITS.nodeGroups} node groups per ${per}.` });
}

/**
 * What the API says of the node groups of one request, whichever endpoint takes them: names unique,
 * at most one auxiliary. Runs when other fields already failed, so nothing here trusts their types.
 */
function checkNodeGroups(value: unknown, ctx: z.RefinementCtx): void {
  const groups: unknown[] = Array.isArray(value) ? value : [];
  const seen = new Map<string, number>();
  groups.forEach((item, index) => {
    const group = item as Partial<NodeGroup> | null;
    if (typeof group?.name !== 'string' || group.name === '') return;
    const first = seen.get(group.name);
    if (first !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['nodegroup_labels', index, 'name'],
        message: `"${group.name}" is already used by node group ${first + 1}: names must be unique.`,
      });
    } else {
      seen.set(group.name, index);
    }
  });
  const auxiliary = groups.flatMap((g, i) => ((g as Partial<NodeGroup> | null)?.is_auxilliary === true ? [i] : []));
  for (const index of auxiliary.slice(1)) {
    ctx.addIssue({
      code: 'custom',
      path: ['nodegroup_labels', index, 'is_auxilliary'],
      message: `Only one node group can be auxiliary; node group ${(auxiliary[0] ?? 0) + 1} already is.`,
    });
  }
}

export const importClusterBodySchema = z
  .strictObject({
    org: uuid,
    name: clusterName,
    slug: z
      .string()
      .min(1, { error: 'Give the cluster a slug.' })
      .max(LIMITS.slugLength, { error: `Keep the slug to ${LIMITS.slugLength} characters.` })
      .regex(SLUG_PATTERN, { error: 'Use lower-case letters, digits and single hyphens, e.g. prod-cluster.' })
      // Commands find clusters by slug too: a slug shaped like a UUID would pass for that UUID.
      .refine((slug) => !isUuid(slug), { error: 'A slug cannot be shaped like a UUID (commands read a UUID as the cluster that has it): use words, e.g. prod-cluster.' }),
    hosted_zone: uuid,
    cluster_hosted_on: z.enum(PROVIDERS, { error: 'Choose a provider.' }),
    region: z
      .string()
      .max(40, { error: 'Keep the region under 40 characters.' })
      .regex(REGION_PATTERN, { error: 'Enter a region such as us-west-2 or us-central1.' })
      .nullable(),
    secret_id: uuid,
    avatar: avatarSchema,
    nodegroup_labels: nodeGroupList('import'),
    service_type: z.enum(SERVICE_TYPES, { error: 'Service type is LoadBalancer or NodePort.' }).optional(),
    public_ip: z.union([z.ipv4(), z.ipv6()], { error: 'Enter an IP address such as 203.0.113.10.' }).optional(),
    node_port_http: port.optional(),
    node_port_https: port.optional(),
    node_config: nodeConfigSchema.optional(),
    cluster_tools: z
      .record(
        z.string().regex(TOOL_CATEGORY_PATTERN, { error: 'Tool categories are short names such as MONITORING or ASYNC TOOLS.' }),
        z.array(uuid).min(1, { error: 'List at least one catalog UUID for each category.' }).max(LIMITS.toolsPerCategory),
      )
      .optional(),
  })
  .superRefine((body, ctx) => {
    // Also runs when other fields already failed (see `when` below), so nothing here trusts their types.
    const provider = (PROVIDERS as readonly string[]).includes(body.cluster_hosted_on) ? body.cluster_hosted_on : undefined;
    const needsRegion = provider !== undefined && REGION_PROVIDERS.includes(provider);
    if (needsRegion && body.region === null) {
      ctx.addIssue({ code: 'custom', path: ['region'], message: `Region is required for ${provider}, e.g. us-west-2.` });
    }
    if (provider !== undefined && !needsRegion && body.region !== null && body.region !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['region'], message: `Leave region empty for ${provider}: the API expects null.` });
    }
    if (body.service_type === 'NodePort') {
      const missing = (['public_ip', 'node_port_http', 'node_port_https'] as const).filter((k) => body[k] === undefined);
      for (const key of missing) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'Required when the service type is NodePort.' });
      }
      if (
        body.node_port_http !== undefined &&
        body.node_port_http === body.node_port_https
      ) {
        ctx.addIssue({ code: 'custom', path: ['node_port_https'], message: 'Use a different port from the HTTP port.' });
      }
    } else {
      for (const key of ['public_ip', 'node_port_http', 'node_port_https'] as const) {
        if (body[key] !== undefined) {
          ctx.addIssue({ code: 'custom', path: [key], message: 'Only used with the NodePort service type.' });
        }
      }
    }
    checkNodeGroups(body.nodegroup_labels, ctx);
    if (typeof body.cluster_tools === 'object' && body.cluster_tools !== null && Object.keys(body.cluster_tools).length > LIMITS.toolCategories) {
      ctx.addIssue({ code: 'custom', path: ['cluster_tools'], message: `At most ${LIMITS.toolCategories} tool categories.` });
    }
  }, RUN_EVEN_WHEN_INVALID);

export type ImportClusterBody = z.infer<typeof importClusterBodySchema>;

/** `POST /infrastructure/node-groups/{cluster_id}/import-cluster`: the org and the same node-group objects. */
export const addNodeGroupsBodySchema = z
  .strictObject({
    org: uuid,
    nodegroup_labels: nodeGroupList('request'),
  })
  .superRefine((body, ctx) => checkNodeGroups(body.nodegroup_labels, ctx), RUN_EVEN_WHEN_INVALID);

export type AddNodeGroupsBody = z.infer<typeof addNodeGroupsBodySchema>;

/** The API's answer to a successful import, minus the kubeconfig, which never leaves the client. */
export const importedClusterSchema = z.looseObject({
  uuid: z.string().min(1),
  name: z.string().optional(),
  status: z.string().optional(),
  cluster_hosted_on: z.string().optional(),
  region: z.string().nullable().optional(),
});

/** The API's answer to node groups added: `{"message": "NodeGroup added successfully"}`. */
export const nodeGroupsAddedSchema = z.looseObject({ message: z.string() });
