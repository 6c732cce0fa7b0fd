// Unit tests (src/**/*.spec.ts) and e2e tests (test/**/*.e2e-spec.ts); see jest.shared.cjs.
const { shared, e2eSupport } = require('./jest.shared.cjs');

module.exports = {
  maxWorkers: 2,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      ...e2eSupport,
    },
  ],
};
