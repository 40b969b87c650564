// Every error body shape Simplismart's API is known to answer with, read into one message plus field errors.
import { describeApiProblem } from '../../src/simplismart/apiProblem.js';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJvcmdfdXVpZCI6IngifQ.c2lnbmF0dXJlLXNlY3JldA';

describe('describeApiProblem', () => {
  it('{"error": "…"} (infrastructure endpoints)', () => {
    expect(describeApiProblem({ error: 'Region is required' })).toEqual({ message: 'Region is required', fieldErrors: [] });
    expect(describeApiProblem({ error: 'Failed to import cluster: <validation errors>' })).toEqual({
      message: 'Failed to import cluster: <validation errors>',
      fieldErrors: [],
    });
  });

  it('{"detail": "…"} (auth)', () => {
    expect(describeApiProblem({ detail: 'Invalid token.' })).toEqual({ message: 'Invalid token.', fieldErrors: [] });
    expect(describeApiProblem({ detail: 'You do not have permission to perform this action.' }).message).toBe(
      'You do not have permission to perform this action.',
    );
  });

  it('{"detail": {field: […]}}', () => {
    expect(describeApiProblem({ detail: { slug: ['Enter a valid slug.'], org: ['Required.', 'Must be a UUID.'] } })).toEqual({
      message: null,
      fieldErrors: [
        { field: 'slug', messages: ['Enter a valid slug.'] },
        { field: 'org', messages: ['Required.', 'Must be a UUID.'] },
      ],
    });
  });

  it('field-keyed {"field": […]}', () => {
    expect(describeApiProblem({ nodegroup_labels: ['<validation errors>'] })).toEqual({
      message: null,
      fieldErrors: [{ field: 'nodegroup_labels', messages: ['<validation errors>'] }],
    });
  });

  it('{"non_field_errors": […]}', () => {
    expect(describeApiProblem({ non_field_errors: ['Cluster with this slug already exists.', 'Second.'] })).toEqual({
      message: 'Cluster with this slug already exists. Second.',
      fieldErrors: [],
    });
  });

  it('a message and field errors together', () => {
    expect(describeApiProblem({ error: 'Invalid', name: 'too long' })).toEqual({
      message: 'Invalid',
      fieldErrors: [{ field: 'name', messages: ['too long'] }],
    });
  });

  it('nested errors (Django-style lists of objects) keep their path', () => {
    const problem = describeApiProblem({ nodegroup_labels: [{ name: ['This field is required.'] }, { node_config: { min_node_count: ['Must be ≥ 0.'] } }] });
    expect(problem.fieldErrors).toEqual([
      { field: 'nodegroup_labels', messages: ['name: This field is required.', 'node_config: min_node_count: Must be ≥ 0.'] },
    ]);
    expect(describeApiProblem({ error: { reason: 'quota', limit: 3 } }).message).toBe('reason: quota limit: 3');
  });

  it('a deep nesting stops instead of recursing forever', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 50; i += 1) deep = { level: deep };
    expect(() => describeApiProblem({ error: deep })).not.toThrow();
  });

  it('an HTML page gives its <title>, never the page', () => {
    const page = `<!DOCTYPE html><html><head><title>502 Bad Gateway</title><style>body{}</style></head><body><h1>502 Bad Gateway</h1>${'<p>nginx</p>'.repeat(500)}</body></html>`;
    const problem = describeApiProblem(page);
    expect(problem).toEqual({ message: '(not JSON) 502 Bad Gateway', fieldErrors: [] });
  });

  it('a page without a title gives its text, short, without tags', () => {
    const problem = describeApiProblem(`<html><body><h1>Service Unavailable</h1><p>${'x '.repeat(2000)}</p></body></html>`);
    expect(problem.message).toMatch(/^\(not JSON\) Service Unavailable x x/);
    expect(problem.message).not.toContain('<');
    expect(problem.message!.length).toBeLessThanOrEqual(220);
  });

  it('plain text', () => {
    expect(describeApiProblem('upstream connect error or disconnect/reset before headers').message).toBe(
      '(not JSON) upstream connect error or disconnect/reset before headers',
    );
    expect(describeApiProblem('<html></html>').message).toBe('(not JSON) an empty page');
  });

  it('a JSON object that arrived as text (wrong content type) is read as JSON', () => {
    expect(describeApiProblem(' {"error": "Region is required"}')).toEqual({ message: 'Region is required', fieldErrors: [] });
    expect(describeApiProblem('{"slug": ["bad"]}')).toEqual({ message: null, fieldErrors: [{ field: 'slug', messages: ['bad'] }] });
    expect(describeApiProblem('{"error": ').message).toBe('(not JSON) {"error":');
  });

  it.each([undefined, null, '', {}, { error: '' }, { error: '   ' }, []])('nothing to say for %j', (data) => {
    expect(describeApiProblem(data)).toEqual({ message: null, fieldErrors: [] });
  });

  it('a JSON value that is not an object', () => {
    expect(describeApiProblem(['first', 'second']).message).toBe('first second');
    expect(describeApiProblem(42).message).toBe('42');
  });

  it('clips a long message to 500 characters', () => {
    const message = describeApiProblem({ error: 'x'.repeat(5000) }).message!;
    expect(message.length).toBe(500);
    expect(message.endsWith('…')).toBe(true);
  });

  it('keeps at most 20 field errors', () => {
    const body = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}`, ['bad']]));
    expect(describeApiProblem(body).fieldErrors).toHaveLength(20);
  });

  describe('redacts token-shaped strings', () => {
    it.each([
      ['error', { error: `Invalid token ${JWT}` }],
      ['detail', { detail: `Bad header Authorization: Bearer ${JWT}` }],
      ['non_field_errors', { non_field_errors: [`token ${JWT}`] }],
      ['a field', { token: [`${JWT} expired`] }],
      ['detail fields', { detail: { authorization: [`Bearer ${JWT}`] } }],
      ['HTML', `<html><head><title>Denied ${JWT}</title></head></html>`],
      ['plain text', `echo: Authorization: Bearer ${JWT}`],
      ['a slack token', { error: 'xoxb-123456789012-abcdefghijkl leaked' }],
    ])('in %s', (_where, data) => {
      const text = JSON.stringify(describeApiProblem(data));
      expect(text).not.toContain(JWT);
      expect(text).not.toContain('c2lnbmF0dXJlLXNlY3JldA');
      expect(text).not.toContain('abcdefghijkl');
      expect(text).toContain('[redacted]');
    });
  });
});
