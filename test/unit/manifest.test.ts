// manifest.yml against Slack's own app-manifest JSON Schema (draft-07, vendored in test/fixtures with its
// $refs mapped to the local copies), and against what the code needs: the command, the shortcut, the
// Home tab, the events it listens to, interactivity, Socket Mode by default with the HTTP-mode URLs and
// the OAuth redirect ready to edit, and exactly the bot scopes the Web API methods it calls require (the
// scopes an install asks for too).
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { EVENTS_PATH } from '../../src/app.js';
import { REDIRECT_PATH } from '../../src/http/install.js';
import { SUBCOMMANDS } from '../../src/listeners/commands/simplismart.js';
import { BOT_SCOPES } from '../../src/services/botTokens.js';
import { EVENT, SHORTCUT } from '../../src/views/ids.js';
import { STEP } from '../../src/domain/stepExecution.js';
import { IMPORT_INPUT_TITLES, NODE_GROUPS_INPUT_TITLES } from '../../src/domain/stepInputs.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are free-form JSON. */
type Json = any;

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const SCHEMA_DIR = join(ROOT, 'test/fixtures/slack-manifest-schema');
const readJson = (path: string): Json => JSON.parse(readFileSync(path, 'utf8'));

/** Every `$ref` URL in a schema that points outside it. */
function externalRefs(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => externalRefs(n, found));
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && /^https?:\/\//.test(value)) found.add(value.split('#')[0]!);
      else externalRefs(value, found);
    }
  }
  return found;
}

function manifestValidator(): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addFormat('uri', (value: string) => {
    try {
      new URL(value);
      return true;
    } catch {
      return false;
    }
  });
  const root = readJson(join(SCHEMA_DIR, 'manifest.schema.json'));
  expect(root.$schema).toBe('http://json-schema.org/draft-07/schema#');
  const refs = externalRefs(root);
  expect(refs.size).toBeGreaterThan(0);
  for (const url of refs) ajv.addSchema(readJson(join(SCHEMA_DIR, 'schemas', basename(new URL(url).pathname))), url);
  return ajv.compile(root);
}

const validate = manifestValidator();
const manifestText = readFileSync(join(ROOT, 'manifest.yml'), 'utf8');
const manifest: Json = parse(manifestText);
const describeErrors = () => JSON.stringify(validate.errors?.slice(0, 5), null, 1);

describe('Slack’s manifest schema', () => {
  test('manifest.yml is valid', () => {
    const ok = validate(manifest);
    if (!ok) throw new Error(`manifest.yml is invalid: ${describeErrors()}`);
    expect(ok).toBe(true);
  });

  const examples = readdirSync(join(SCHEMA_DIR, 'examples')).filter((f) => f.endsWith('.json'));

  test.each(examples.filter((f) => f.includes('invalid')))('the validator rejects Slack’s own %s', (file) => {
    expect(validate(readJson(join(SCHEMA_DIR, 'examples', file)))).toBe(false);
    expect(validate.errors?.length).toBeGreaterThan(0);
  });

  test.each(examples.filter((f) => !f.includes('invalid')))('the validator accepts Slack’s own %s', (file) => {
    const ok = validate(readJson(join(SCHEMA_DIR, 'examples', file)));
    if (!ok) throw new Error(`${file}: ${describeErrors()}`);
  });

  test('the validator rejects our manifest with an unknown setting or a bad command', () => {
    expect(validate({ ...manifest, settings: { ...manifest.settings, bad_param: true } })).toBe(false);
    const badCommand = structuredClone(manifest);
    badCommand.features.slash_commands[0].command = 'simplismart';
    expect(validate(badCommand)).toBe(false);
    const badUrl = structuredClone(manifest);
    badUrl.settings.interactivity.request_url = 'your-bot.example.com/slack/events';
    expect(validate(badUrl)).toBe(false);
  });

  test('the HTTP-mode variant (Socket Mode off, the same URLs) is valid too', () => {
    const ok = validate({ ...manifest, settings: { ...manifest.settings, socket_mode_enabled: false } });
    if (!ok) throw new Error(`HTTP mode manifest is invalid: ${describeErrors()}`);
  });
});

describe('what the bot needs, and no more', () => {
  test('the /simplismart slash command', () => {
    const commands = manifest.features.slash_commands as Json[];
    expect(commands.map((c) => c.command)).toEqual(['/simplismart']);
    expect(commands[0].description).toEqual(expect.any(String));
    expect(commands[0].should_escape).toBe(false);
    // The usage hint names every subcommand the bot answers, as its first word between the bars.
    const hinted = String(commands[0].usage_hint).split('|').map((part) => part.trim().split(/\s/)[0]);
    expect(hinted.sort()).toEqual([...SUBCOMMANDS].sort());
  });

  test('interactivity on, Socket Mode on, and exactly the events the bot listens to', () => {
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual(Object.values(EVENT).sort());
    expect(manifest.settings.event_subscriptions.user_events).toBeUndefined();
    expect(manifest.features.bot_user).toBeDefined();
  });

  test('the Home tab on, the Messages tab read-only (threads of imports started outside a channel land there)', () => {
    expect(manifest.features.app_home).toEqual({ home_tab_enabled: true, messages_tab_enabled: true, messages_tab_read_only_enabled: true });
  });

  test('the global shortcut, with the callback id the bot listens for', () => {
    expect(manifest.features.shortcuts.map((s: Json) => [s.type, s.callback_id, s.name])).toEqual([['global', SHORTCUT.importCluster, 'Import a cluster']]);
  });

  const header = manifestText
    .split('\n')
    .filter((line) => line.startsWith('#'))
    .join(' ')
    .replace(/\s*#\s*/g, ' ');

  test('the four URLs HTTP mode needs are there, on the one placeholder host the header says to replace, at the path the bot serves', () => {
    const urls = [
      manifest.features.slash_commands[0].url,
      manifest.settings.interactivity.request_url,
      manifest.settings.interactivity.message_menu_options_url,
      manifest.settings.event_subscriptions.request_url,
    ].map((u: string) => new URL(u));
    expect(urls.map((u) => `${u.protocol}${u.pathname}${u.search}`)).toEqual(Array(4).fill(`https:${EVENTS_PATH}`));
    const hosts = [...new Set(urls.map((u) => u.host))];
    expect(hosts).toEqual(['your-bot.example.com']);
    expect(header).toContain('does not use the four request URLs below');
    expect(header).toContain(`set socket_mode_enabled to false and replace ${hosts[0]} in those four URLs`);
  });

  test('the OAuth redirect URL is the path the bot serves it at, on the same placeholder host', () => {
    expect(manifest.oauth_config.redirect_urls).toEqual([`https://your-bot.example.com${REDIRECT_PATH}`]);
    expect(header).toContain('The redirect URL (oauth_config.redirect_urls) is used only when any workspace may install the app');
  });

  // The bot scope each Web API method needs (null: none). A method the code starts calling that is
  // not listed here fails the test below until its scope is decided.
  const SCOPE_OF_METHOD: Record<string, string | null> = {
    'auth.test': null,
    'views.open': null,
    'views.update': null,
    'views.push': null,
    'views.publish': null,
    'oauth.v2.access': null,
    'chat.getPermalink': null,
    'chat.postMessage': 'chat:write',
    'chat.update': 'chat:write',
    'chat.postEphemeral': 'chat:write',
    'users.info': 'users:read',
    'usergroups.list': 'usergroups:read',
    'usergroups.users.list': 'usergroups:read',
    'conversations.info': 'channels:read',
    'files.info': 'files:read',
    // Workflow Builder steps end with the execution's own token (no scope).
    'functions.completeSuccess': null,
    'functions.completeError': null,
  };

  function sourceFiles(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
    );
  }

  test('exactly the bot scopes the code uses', () => {
    const called = new Set<string>();
    for (const file of sourceFiles(join(ROOT, 'src'))) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/\b(?:client|slack)\.((?:[a-z]+\.)+[a-zA-Z]+)\(/g)) called.add(match[1]!);
      // A generic call would hide its method from this check; the one forward of every named call
      // (rateLimitedClient.ts, keeping Slack's rate limits) calls no method of its own.
      expect(text.replace('super.apiCall(method, options)', '')).not.toMatch(/\.apiCall\(/);
    }
    expect(called.size).toBeGreaterThan(5);
    const unknown = [...called].filter((m) => !(m in SCOPE_OF_METHOD));
    expect(unknown).toEqual([]);

    const needed = new Set<string>(['commands']); // the slash command itself
    for (const method of called) {
      const scope = SCOPE_OF_METHOD[method];
      if (scope !== null && scope !== undefined) needed.add(scope);
    }
    // Posting the thread in a public channel the bot was never invited to.
    if (needed.has('chat:write')) needed.add('chat:write.public');

    const declared = manifest.oauth_config.scopes.bot as string[];
    expect(new Set(declared).size).toBe(declared.length);
    expect([...declared].sort()).toEqual([...needed].sort());
    expect([...declared].sort()).toEqual(['channels:read', 'chat:write', 'chat:write.public', 'commands', 'files:read', 'usergroups:read', 'users:read']);
    expect(manifest.oauth_config.scopes.user).toBeUndefined();
    // What an install asks Slack for is what the manifest declares.
    expect([...BOT_SCOPES].sort()).toEqual([...declared].sort());
  });
});

describe('Workflow Builder steps (manifest schema major version 1)', () => {
  const v2Schema = readJson(join(SCHEMA_DIR, 'schemas', 'manifest.schema.2.0.0.json'));
  const parameterTypes: string[] = v2Schema.definitions['slack-functions.parameter'].properties.type.enum;
  const functions = manifest.functions as Record<string, Json>;

  /** The same functions in major version 2's shape: `{ properties, required }` per parameter list. */
  const asV2 = (fns: Record<string, Json>) =>
    Object.fromEntries(
      Object.entries(fns).map(([id, fn]) => {
        const params = (list: Record<string, Json>) => ({
          properties: Object.fromEntries(Object.entries(list).map(([name, p]) => [name, Object.fromEntries(Object.entries(p as Record<string, Json>).filter(([key]) => key !== 'is_required'))])),
          required: Object.entries(list).filter(([, p]) => p.is_required === true).map(([name]) => name),
        });
        return [id, { ...fn, input_parameters: params(fn.input_parameters), output_parameters: params(fn.output_parameters) }];
      }),
    );

  test('the manifest declares version 1, the org-ready setting, the remote runtime and the event', () => {
    expect(manifest._metadata.major_version).toBe(1);
    expect(manifest.settings.org_deploy_enabled).toBe(true);
    expect(manifest.settings.function_runtime).toBe('remote');
    expect(manifest.settings.event_subscriptions.bot_events).toContain('function_executed');
  });

  test('exactly the steps the bot listens for, each parameter of a type Slack knows', () => {
    expect(Object.keys(functions).sort()).toEqual(Object.values(STEP).sort());
    for (const fn of Object.values(functions)) {
      for (const p of [...Object.values(fn.input_parameters), ...Object.values(fn.output_parameters)] as Json[]) {
        // Version 1's schema takes any type string: the list version 2 spells out is the check.
        expect(parameterTypes).toContain(p.type);
        expect(typeof p.title).toBe('string');
      }
    }
  });

  test('the inputs the code reads are the ones declared, with the titles its errors name', () => {
    const titles = (fn: Json) => Object.fromEntries(Object.entries(fn.input_parameters as Record<string, Json>).map(([name, p]) => [name, p.title]));
    expect(titles(functions[STEP.importCluster])).toEqual(IMPORT_INPUT_TITLES);
    expect(titles(functions[STEP.addNodeGroups])).toEqual(NODE_GROUPS_INPUT_TITLES);
    expect(functions[STEP.addNodeGroups].output_parameters).toEqual(functions[STEP.importCluster].output_parameters);
  });

  test('the parameter shape is the one version 1 takes: version 2’s shape is refused under version 1, and ours under version 2', () => {
    expect(validate({ ...manifest, functions: asV2(functions) })).toBe(false);
    // Version 2's functions definition: our steps in its shape pass it, as written (version 1's shape) they do not.
    const ajv = new Ajv({ allErrors: true, strict: false });
    const defs = v2Schema.definitions;
    const check = ajv.compile({ definitions: defs, ...defs['app-manifests.v2.hermes.functions'] });
    expect(check(functions)).toBe(false);
    const ok = check(asV2(functions));
    if (!ok) throw new Error(JSON.stringify(check.errors?.slice(0, 3)));
  });
});
