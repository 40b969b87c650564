// Values derived when people leave them empty: the slug from the name, and the default avatar.
import { importClusterBodySchema } from '../../src/domain/clusterImport.js';
import { AVATAR_FONT_COLOR, backgroundFromSlug, defaultAvatar, deriveSlug } from '../../src/domain/clusterDefaults.js';

describe('deriveSlug', () => {
  it.each([
    ['Production Cluster', 'production-cluster'],
    ['  prod  ', 'prod'],
    ['Prod_EU #2', 'prod-eu-2'],
    ['Crème Brûlée', 'creme-brulee'],
    ['--a--b--', 'a-b'],
    ['GPU/Cluster.v2', 'gpu-cluster-v2'],
    ['!!!', ''],
    ['', ''],
    ['集群', ''],
  ])('%j → %j', (name, slug) => {
    expect(deriveSlug(name)).toBe(slug);
  });

  it('stays within 63 characters and never ends with a hyphen after cutting', () => {
    const slug = deriveSlug(`${'a'.repeat(62)} b`);
    expect(slug).toBe('a'.repeat(62));
    expect(deriveSlug('x'.repeat(200))).toHaveLength(63);
  });

  it('always gives a slug the API accepts (or none)', () => {
    for (const name of ['Production Cluster', 'a  b', 'ÅÄÖ 123', `${'ab-'.repeat(30)}`, 'x'.repeat(100)]) {
      const slug = deriveSlug(name);
      expect(slug).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(slug.length).toBeLessThanOrEqual(63);
    }
  });
});

describe('backgroundFromSlug', () => {
  it('is stable for a slug and a #RRGGBB colour', () => {
    expect(backgroundFromSlug('prod-cluster')).toBe(backgroundFromSlug('prod-cluster'));
    expect(backgroundFromSlug('prod-cluster')).toMatch(/^#[0-9A-F]{6}$/);
  });

  it('differs between slugs (not one colour for everything)', () => {
    const colours = new Set(Array.from({ length: 40 }, (_, i) => backgroundFromSlug(`cluster-${i}`)));
    expect(colours.size).toBeGreaterThan(3);
  });
});

describe('defaultAvatar', () => {
  it('is a ui-avatars URL of the name with white text and the slug’s background', () => {
    const avatar = defaultAvatar('Production Cluster', 'prod-cluster');
    const url = new URL(avatar.image_url);
    expect(url.protocol).toBe('https:');
    expect(url.host).toBe('ui-avatars.com');
    expect(url.pathname).toBe('/api/');
    expect(url.searchParams.get('name')).toBe('Production Cluster');
    expect(url.searchParams.get('color')).toBe('FFFFFF');
    expect(url.searchParams.get('background')).toBe(backgroundFromSlug('prod-cluster').slice(1));
    expect(avatar.font_color).toBe(AVATAR_FONT_COLOR);
    expect(AVATAR_FONT_COLOR).toBe('#FFFFFF');
    expect(avatar.background_color).toBe(backgroundFromSlug('prod-cluster'));
  });

  it('encodes names that are not URL-safe', () => {
    const avatar = defaultAvatar('R&D <eu>?#', 'r-d-eu');
    expect(new URL(avatar.image_url).searchParams.get('name')).toBe('R&D <eu>?#');
    expect(avatar.image_url).not.toContain('<');
  });

  it('without a name or slug still gives a valid avatar', () => {
    const avatar = defaultAvatar('', '');
    expect(new URL(avatar.image_url).searchParams.get('name')).toBe('Cluster');
  });

  it('passes the API schema', () => {
    const body = {
      org: '54360212-2263-44c6-afaf-1333544854f7',
      name: 'R&D <eu>',
      slug: 'r-d-eu',
      hosted_zone: 'b13c6a8a-6e9a-4bb9-8a0c-0db8c1a5a63f',
      cluster_hosted_on: 'oci',
      region: null,
      secret_id: '9d1a0a51-9af6-4c6f-90ab-1a8b54e2b7b1',
      avatar: defaultAvatar('R&D <eu>', 'r-d-eu'),
      nodegroup_labels: [{ name: 'a', is_auxilliary: false }],
    };
    expect(importClusterBodySchema.safeParse(body).success).toBe(true);
  });
});
