import { defineConfig } from 'vitest/config';

/**
 * Four projects, one command (`npm test`):
 * - unit: use cases and pure modules with in-memory ports; no servers.
 * - integration: handlers, repositories, the local API and the outbox against DynamoDB Local, cognito-local,
 *   the SES and S3 stand-ins, started once per run on free ports by the global setup.
 * - infra: the synthesized CDK app (template assertions, cdk-nag, bundle budgets), synthesized once.
 * - e2e (test/e2e, run with the integration project and its stand-ins): the local API in a real browser
 *   (Debian chromium) and whole user journeys.
 * - timing: the enumeration latency comparison, alone on the machine once the others are done.
 */
// Handler logs are asserted where they matter (test/support/logs.ts raises the level while capturing);
// elsewhere they would only bury the test report.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const TIMING = 'test/integration/enumeration.test.ts';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          // e2e shares the stand-ins: one set per run is enough, and a second would cost ~10 s and a JVM.
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/security/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          exclude: [TIMING],
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['test/support/stack-env.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          // The enumeration test compares median latencies within 5 ms: it runs after every other project has
          // finished (its own stand-ins), so other test files' disk and CPU load cannot skew one side.
          name: 'timing',
          include: [TIMING],
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['test/support/stack-env.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          globalSetup: ['test/infra/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
