// `npm run test:browser`: the install pages in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core). Kept out of `npm test`, which needs no browser.
import base from './jest.config.js';

export default {
  ...base,
  testMatch: ['<rootDir>/test/browser/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  // A browser's start and page loads on a machine shared with other work.
  testTimeout: 30_000,
};
