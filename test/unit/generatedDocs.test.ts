// The reference pages generated from the code (src/cli/docsPages.ts) are committed as `npm run docs`
// writes them: a variable, series or command changed without running it fails here, naming the page.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandsPage, configurationPage, generatedPages, metricsPage } from '../../src/cli/docsPages.js';
import { ENV_SCHEMA, ENV_VARIABLES } from '../../src/process/config.js';
import { SUBCOMMANDS } from '../../src/listeners/commands/simplismart.js';
import { LABEL_VALUES } from '../../src/metrics/labelValues.js';
import { Counter } from 'prom-client';
import { z } from 'zod';
import { Metrics } from '../../src/metrics/metrics.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** Where two texts first part, for a message a person can act on. */
function firstDifference(committed: string, generated: string): string {
  const a = committed.split('\n');
  const b = generated.split('\n');
  const line = a.findIndex((text, i) => text !== b[i]);
  const at = line === -1 ? a.length : line;
  return `line ${at + 1}: committed ${JSON.stringify(a[at] ?? '(end of file)')}, generated ${JSON.stringify(b[at] ?? '(end of file)')}`;
}

describe.each(generatedPages().map((page) => [page.path, page] as const))('%s', (path, page) => {
  it('is what `npm run docs` writes', () => {
    let committed: string;
    try {
      committed = readFileSync(join(ROOT, path), 'utf8');
    } catch {
      throw new Error(`${path} is missing: run npm run docs and commit it`);
    }
    if (committed !== page.text) throw new Error(`${path} differs from what the code says (${firstDifference(committed, page.text)}): run npm run docs and commit it`);
  });
});

describe('what the pages are made of', () => {
  it('every variable has a description in src/process/config.ts', () => {
    const undescribed = ENV_VARIABLES.filter((name) => typeof ENV_SCHEMA[name]?.meta()?.description !== 'string');
    expect(undescribed).toEqual([]);
    expect(configurationPage().text).not.toContain('no description');
  });

  it('every variable is a row, with its default, range or values', () => {
    const page = configurationPage().text;
    for (const name of ENV_VARIABLES) expect(page).toMatch(new RegExp(`^\\| \`${name}\` \\|`, 'm'));
    expect(page).toContain('| `SLACK_SIGNING_SECRET` | — (required) |');
    expect(page).toContain('| `PORT` | `3000` | whole numbers 0–65535 |');
    expect(page).toContain('| `LOG_LEVEL` | `info` | `fatal`, `error`, `warn`, `info`, `debug`, `trace`, `silent` |');
    expect(page).toContain('| `DATABASE_URL` | `sqlite:<DATA_DIR>/simplismart-slack.db` |');
  });

  it('every label of every series has its fixed values in src/metrics/labelValues.ts', () => {
    const missing = new Metrics({ processMetrics: false }).registry
      .getMetricsAsArray()
      .flatMap((metric) => ((metric as { labelNames?: string[] }).labelNames ?? []).filter((label) => LABEL_VALUES[label] === undefined).map((label) => `${metric.name}{${label}}`));
    expect(missing).toEqual([]);
  });

  it('every series of the registry is a row, with its type and help', () => {
    const page = metricsPage().text;
    const metrics = new Metrics({ processMetrics: false }).registry.getMetricsAsArray();
    expect(metrics.length).toBeGreaterThan(10);
    for (const metric of metrics) expect(page).toContain(`| \`${metric.name}\` | ${String(metric.type)}`);
    expect(page).toContain("| `simplismart_slack_ack_duration_seconds` | histogram (buckets 5 ms … 5 s) |");
    expect(page).toContain('`reason`: `rate_limited`, `paced`, `retry`');
  });

  it('every subcommand is a row of the commands page, admins-only ones marked', () => {
    const page = commandsPage().text;
    for (const subcommand of SUBCOMMANDS) expect(page).toMatch(new RegExp(`^\\| \`/simplismart ${subcommand}\\b`, 'm'));
    expect(page).toMatch(/^\| `\/simplismart connect` \| admins \|/m);
    expect(page).toMatch(/^\| `\/simplismart status` \| anyone \|/m);
    expect(page).toContain('`/simplismart nodes <kubectl output>`');
  });
});

describe('what is added later (another branch’s variable, series or command) is in the page at the next npm run docs', () => {
  it('a variable, with or without a description', () => {
    const blank = (v: unknown) => (v === '' ? undefined : v);
    const page = configurationPage({
      NEW_MODE: z.preprocess(blank, z.enum(['a', 'b']).default('a')).meta({ description: 'Picks a mode.' }),
      NEW_FLAG: z.preprocess(blank, z.literal(['on', 'off']).optional()),
    }).text;
    expect(page).toContain('| `NEW_MODE` | `a` | `a`, `b` | Picks a mode. |');
    expect(page).toContain('| `NEW_FLAG` | unset | `on`, `off` | (no description: add one with .meta() in src/process/config.ts) |');
  });

  it('a series, its unknown label named without values', () => {
    const metrics = new Metrics({ processMetrics: false });
    new Counter({ name: 'simplismart_slack_new_total', help: 'Something new.', labelNames: ['flavour', 'kind'], registers: [metrics.registry] });
    expect(metricsPage(metrics).text).toContain('| `simplismart_slack_new_total` | counter | `flavour`; `kind`: `import_cluster`, `add_node_groups`, `other` | Something new. |');
  });

  it('a command', () => {
    const page = commandsPage('*Simplismart for Slack*\n• `/simplismart frob <thing>` — (admins) frobs a *thing*\n• `/simplismart help` — this message').text;
    expect(page).toContain('| `/simplismart frob <thing>` | admins | frobs a **thing** |');
  });
});
