// Values the vitest globalSetup (tests/support/global-setup.ts) hands to test files via inject().
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Emulators shared by every integration/e2e test file of the run (loopback URLs). */
    emulators: {
      dynamodbEndpoint: string;
      sqsEndpoint: string;
      sesEndpoint: string;
      region: string;
    };
  }
}
