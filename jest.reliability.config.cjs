// The reliability suite (`npm run test:reliability`): process-level tests of crashes, several
// instances, provider faults, a database outage and hostile input. Slow by nature, so it is kept
// out of `npm test` and run on its own by CI, one file at a time (they start their own servers).
const { shared, e2eSupport } = require('./jest.shared.cjs');

module.exports = {
  ...shared,
  ...e2eSupport,
  displayName: 'reliability',
  maxWorkers: 1,
  testMatch: ['<rootDir>/test/reliability/**/*.reliability-spec.ts'],
};
