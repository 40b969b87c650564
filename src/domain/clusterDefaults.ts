// Values the form derives when people leave them empty: the slug from the name, and an avatar
// (ui-avatars image of the name, white text, a background colour that is stable for a slug).
import { createHash } from 'node:crypto';
import { LIMITS } from './clusterImport.js';

export function deriveSlug(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, LIMITS.slugLength)
    .replace(/-+$/g, '');
}

/** Saturated mid-dark colours: white text stays readable on every one of them. */
const AVATAR_PALETTE = [
  '#2563EB', '#7C3AED', '#DB2777', '#DC2626', '#EA580C', '#CA8A04',
  '#16A34A', '#0D9488', '#0891B2', '#4F46E5', '#9333EA', '#475569',
] as const;

export function backgroundFromSlug(slug: string): string {
  const digest = createHash('sha256').update(slug).digest();
  return AVATAR_PALETTE[digest.readUInt32BE(0) % AVATAR_PALETTE.length] ?? AVATAR_PALETTE[0];
}

export const AVATAR_FONT_COLOR = '#FFFFFF';

export function defaultAvatar(name: string, slug: string): { image_url: string; font_color: string; background_color: string } {
  const background = backgroundFromSlug(slug === '' ? name : slug);
  const url = new URL('https://ui-avatars.com/api/');
  url.searchParams.set('name', name === '' ? 'Cluster' : name);
  url.searchParams.set('color', AVATAR_FONT_COLOR.slice(1));
  url.searchParams.set('background', background.slice(1));
  return { image_url: url.toString(), font_color: AVATAR_FONT_COLOR, background_color: background };
}
