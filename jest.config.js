export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // The background thread runs from a build of the sources (see the file).
  globalSetup: '<rootDir>/test/support/buildWorker.js',
  modulePathIgnorePatterns: ['<rootDir>/.jest-build/'],
};
