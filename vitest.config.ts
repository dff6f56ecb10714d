import { defineConfig } from 'vitest/config';

// One test tree, several speeds: unit (pure, no emulator), infra (CDK assertions with real
// esbuild bundling), integration (real adapters against DynamoDB Local and the SQS/SES
// emulators) and e2e (signed HTTP calls through the local gateway, as w.c.s. makes them).
const emulatorSetup = ['tests/support/global-setup.ts'];
// Handlers log JSON lines; tests assert outcomes, so logs are silenced (set LOG_LEVEL=DEBUG to see them).
const env = { POWERTOOLS_LOG_LEVEL: process.env.LOG_LEVEL ?? 'SILENT', AWS_REGION: 'eu-west-3' };

export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          env,
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'infra',
          env,
          include: ['tests/infra/**/*.test.ts'],
          testTimeout: 120_000,
          // Two stacks bundle every function, and http-badges its PDF engine chunk too: on the
          // shared 2-core machine under load that took more than 180 s.
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'integration',
          env,
          include: ['tests/integration/**/*.test.ts'],
          globalSetup: emulatorSetup,
          testTimeout: 60_000,
          hookTimeout: 90_000,
        },
      },
      {
        test: {
          name: 'e2e',
          env,
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: emulatorSetup,
          // Every answer is validated against the OpenAPI document; a drift fails the test.
          setupFiles: ['tests/support/e2e-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 90_000,
        },
      },
      {
        test: {
          name: 'browser',
          env,
          include: ['tests/browser/**/*.test.ts'],
          // The emulators, then the console's build when missing or stale.
          globalSetup: [...emulatorSetup, 'tests/browser/support/global-setup.ts'],
          // The log scan of the e2e files, on the functions the browser drives (contract-rgpd.md, "Logs").
          setupFiles: ['tests/support/log-scan-setup.ts'],
          // Headless Chromium (Debian's) against the local gateway: one browser per file.
          testTimeout: 90_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
