// The oldest Node.js the bot runs on, and the one-line refusal for an older one. Imports nothing, so
// that main.ts can check before anything that needs a newer Node (node:sqlite, undici) is loaded.

/** node:sqlite unflagged needs 22.13; undici 8 (under Bolt's Socket Mode) needs 22.19. package.json's
 *  `engines` says the same (a unit test holds them equal, and to the dependencies' own engines). */
export const MINIMUM_NODE = { major: 22, minor: 19 } as const;

/** Undefined when `version` (e.g. "20.20.2") is new enough, otherwise the line to print. */
export function nodeTooOld(version: string): string | undefined {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map((part) => Number.parseInt(part, 10));
  const ok = major > MINIMUM_NODE.major || (major === MINIMUM_NODE.major && minor >= MINIMUM_NODE.minor);
  if (ok) return undefined;
  return `simplismart-slack needs Node.js ${MINIMUM_NODE.major}.${MINIMUM_NODE.minor} or later (24 LTS recommended); this is Node.js ${version.replace(/^v/, '')}. Start it with \`npm start\` after \`npm ci\`, which installs Node 24 for the npm scripts, or install Node.js 24.`;
}
