// The browser suite (`npm run test:browser`): the web console in Debian's Chromium (playwright-core),
// against the built server started per file on its own embedded database. Needs `npm run build` and
// `npm run build:console` first (the script does both); kept out of `npm test` like the reliability suite.
const { shared } = require('./jest.shared.cjs');

module.exports = {
  ...shared,
  displayName: 'browser',
  maxWorkers: 1,
  testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/browser/support/timeouts.ts'],
};
