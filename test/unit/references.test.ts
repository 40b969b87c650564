// Names for UUIDs, as admins type them: `Name = uuid` lines (tools: `CATEGORY: Name = uuid`), each
// problem told with its line, the limits that keep the import form within Slack's, the text given back,
// and a stored form's typed tools moved into their category's menu when they have a name.
import { emptyForm } from '../../src/domain/importForm.js';
import { parseReferences, REFERENCE_LIMITS, referencesToText, toolCategories, withToolChoices, type NamedReference } from '../../src/domain/references.js';

const A = '0b6f2a4c-1d3e-4f5a-8b7c-9d0e1f2a3b4c';
const B = '1c7a3b5d-2e4f-4a6b-9c8d-0e1f2a3b4c5d';
const C = '2d8b4c6e-3f5a-4b7c-8d9e-1f2a3b4c5d6e';
const uuidAt = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

const parsed = (text: Partial<{ hostedZones: string; secrets: string; tools: string }>) => parseReferences({ hostedZones: '', secrets: '', tools: '', ...text });

describe('parseReferences', () => {
  it('reads every kind in the order typed, names with spaces and colons, blank lines skipped', () => {
    expect(parsed({ hostedZones: `  Prod zone = ${A}\n\nStaging: west = ${B}`, secrets: `eks = ${C}`, tools: `ASYNC TOOLS: Redis = ${A}\nMONITORING: Kube: events = ${B}` })).toEqual({
      ok: true,
      references: [
        { kind: 'hosted_zone', category: '', name: 'Prod zone', uuid: A },
        { kind: 'hosted_zone', category: '', name: 'Staging: west', uuid: B },
        { kind: 'secret', category: '', name: 'eks', uuid: C },
        { kind: 'tool', category: 'ASYNC TOOLS', name: 'Redis', uuid: A },
        { kind: 'tool', category: 'MONITORING', name: 'Kube: events', uuid: B },
      ],
    });
    expect(parsed({})).toEqual({ ok: true, references: [] });
  });

  it('tells the first problem of each text, with its line', () => {
    expect(parsed({ hostedZones: `ok = ${A}\nno equals sign`, secrets: `x = ${A}\ny = nope`, tools: `mon!tor: Prometheus = ${A}` })).toEqual({
      ok: false,
      errors: {
        hostedZones: 'Line 2: write “Name = uuid” (“no equals sign” has no “=”).',
        secrets: 'Line 2: “nope” is not a UUID (such as b13c6a8a-6e9a-4bb9-8a0c-0db8c1a5a63f).',
        tools: 'Line 1: “mon!tor” is not a tool category: use names such as MONITORING or ASYNC TOOLS.',
      },
    });
    expect(parsed({ hostedZones: ` = ${A}` })).toMatchObject({ errors: { hostedZones: 'Line 1: give a name before the “=”.' } });
    expect(parsed({ hostedZones: `${'n'.repeat(REFERENCE_LIMITS.nameLength + 1)} = ${A}` })).toMatchObject({ errors: { hostedZones: `Line 1: keep names to ${REFERENCE_LIMITS.nameLength} characters.` } });
    expect(parsed({ tools: `no category = ${A}` })).toMatchObject({ errors: { tools: expect.stringMatching(/^Line 1: write “CATEGORY: Name = uuid”/) } });
  });

  it('a name shaped like a UUID is refused in every kind: the import form would show it where another UUID is chosen', () => {
    const refused = 'Line 2: a name cannot be a UUID: the import form shows it where a UUID is chosen, so it would pass for that UUID. Give it a name people recognise, e.g. Production zone.';
    expect(parsed({ hostedZones: `Prod = ${A}\n${B} = ${C}` })).toEqual({ ok: false, errors: { hostedZones: refused } });
    expect(parsed({ secrets: `Prod = ${A}\n ${B.toUpperCase()}  = ${C}` })).toEqual({ ok: false, errors: { secrets: refused } });
    expect(parsed({ tools: `MONITORING: Prometheus = ${A}\nMONITORING: ${B} = ${C}` })).toEqual({ ok: false, errors: { tools: refused } });
    // A UUID inside a longer name reads as no UUID.
    expect(parsed({ hostedZones: `zone ${B} = ${C}` }).ok).toBe(true);
  });

  it('the menus’ own “Other (UUID)…” is no name, however it is cased, spaced or dotted', () => {
    for (const name of ['Other (UUID)…', 'other (uuid)...', 'OTHER(UUID)', ' Other (UUID) ', 'Other （UUID）…']) {
      expect(parsed({ secrets: `${name} = ${A}` })).toEqual({
        ok: false,
        errors: { secrets: 'Line 1: “Other (UUID)…” is what the import form’s menus call their own choice for typing a UUID: choose another name.' },
      });
    }
    expect(parsed({ secrets: `Other = ${A}\nOther secret = ${B}` }).ok).toBe(true);
  });

  it('one name per UUID and one UUID per name, in a kind (or a category): menus repeat no value', () => {
    expect(parsed({ secrets: `Prod = ${A}\nprod = ${B}` })).toMatchObject({ errors: { secrets: 'Line 2: “prod” is named twice.' } });
    expect(parsed({ secrets: `Prod = ${A}\nOther = ${A.toUpperCase()}` })).toMatchObject({ errors: { secrets: 'Line 2: this UUID is already named “Prod”; give each one name.' } });
    // The same name in two categories, or the same UUID named as a zone and a secret, are different names.
    expect(parsed({ tools: `MONITORING: Agent = ${A}\nTRAINING: Agent = ${A}`, hostedZones: `x = ${B}`, secrets: `x = ${B}` }).ok).toBe(true);
  });

  it('keeps to what the import form can show: 99 per menu, 6 tool categories, 50 tools a category', () => {
    const lines = (n: number, line: (i: number) => string) => Array.from({ length: n }, (_, i) => line(i)).join('\n');
    expect(parsed({ hostedZones: lines(REFERENCE_LIMITS.perKind, (i) => `z${i} = ${uuidAt(i)}`) }).ok).toBe(true);
    expect(parsed({ hostedZones: lines(REFERENCE_LIMITS.perKind + 1, (i) => `z${i} = ${uuidAt(i)}`) })).toMatchObject({ errors: { hostedZones: expect.stringMatching(/^Name at most 99/) } });
    expect(parsed({ tools: lines(REFERENCE_LIMITS.toolCategories + 1, (i) => `CAT${i}: t = ${uuidAt(i)}`) })).toMatchObject({ errors: { tools: expect.stringMatching(/^Name tools in at most 6 categories/) } });
    expect(parsed({ tools: lines(REFERENCE_LIMITS.toolsPerCategory + 1, (i) => `MONITORING: t${i} = ${uuidAt(i)}`) })).toMatchObject({ errors: { tools: 'MONITORING: name at most 50 tools (the most one category takes).' } });
  });
});

describe('referencesToText', () => {
  it('gives the lines that parse back into the same names', () => {
    const text = { hostedZones: `Prod zone = ${A}`, secrets: `eks = ${B}\nold eks = ${C}`, tools: `MONITORING: Grafana = ${A}\nASYNC TOOLS: Redis = ${B}` };
    const first = parsed(text);
    if (!first.ok) throw new Error('should parse');
    expect(referencesToText(first.references)).toEqual(text);
    expect(toolCategories(first.references).map((c) => [c.category, c.tools.map((t) => t.name)])).toEqual([
      ['MONITORING', ['Grafana']],
      ['ASYNC TOOLS', ['Redis']],
    ]);
  });
});

describe('withToolChoices', () => {
  const refs: NamedReference[] = [
    { kind: 'tool', category: 'MONITORING', name: 'Prometheus', uuid: A },
    { kind: 'tool', category: 'MONITORING', name: 'Grafana', uuid: B },
  ];

  it('moves the typed tools that have a name into their category’s menu (as the named value); the rest stays typed', () => {
    const form = { ...emptyForm(), clusterTools: `MONITORING: ${B.toUpperCase()}, ${C}\nTRAINING: ${A}` };
    const moved = withToolChoices(form, refs);
    expect(moved.toolChoices).toEqual({ MONITORING: [B] });
    expect(moved.clusterTools).toBe(`MONITORING: ${C}\nTRAINING: ${A}`);
  });

  it('leaves a form alone when no tool is named, or when its text does not parse', () => {
    const form = { ...emptyForm(), clusterTools: `MONITORING: ${A}` };
    expect(withToolChoices(form, [])).toBe(form);
    expect(withToolChoices({ ...emptyForm(), clusterTools: '{oops' }, refs).clusterTools).toBe('{oops');
  });
});
