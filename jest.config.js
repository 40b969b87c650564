export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // `npm test` needs no browser: the tests in a real one are `npm run test:browser` (jest.browser.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/browser/'],
  // The background thread runs from a build of the sources (see the file).
  globalSetup: '<rootDir>/test/support/buildWorker.js',
  modulePathIgnorePatterns: ['<rootDir>/.jest-build/'],
};
