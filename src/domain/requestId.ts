// Request ids people can read aloud and type: `ir-` and eight characters without look-alikes (0/o, 1/l/i).
import { randomInt } from 'node:crypto';

const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
export const REQUEST_ID_PATTERN = /^ir-[a-z2-9]{8}$/;

export function newRequestId(): string {
  let id = 'ir-';
  for (let i = 0; i < 8; i += 1) id += ALPHABET[randomInt(ALPHABET.length)];
  return id;
}
