// How every Lambda bundle is built, in one place: the CDK function construct passes these
// settings to NodejsFunction (which runs the local esbuild), and the cold-start benchmark and
// the bundle-size check build the same bundles from them with esbuild's API.
import path from 'node:path';
import type { BuildOptions } from 'esbuild';

export const LAMBDA_BUNDLING = {
  /** The Lambda runtime (Node.js 22); handler code stays Node-20 compatible for local runs. */
  target: 'node22',
  minify: true,
  sourceMap: true,
  // File names and lines are enough for stack traces; embedding sources doubles the asset.
  sourcesContent: false,
  // Prefer ESM builds of dependencies (better tree shaking), fall back to CommonJS.
  mainFields: ['module', 'main'],
  // Some CommonJS dependencies call require() for Node built-ins; an ESM bundle has none.
  banner: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  // The Lambda Node.js runtime ships AWS SDK v3; bundling it would only grow cold starts.
  externalModules: ['@aws-sdk/*'],
  // Evaluated before every other module of the bundle (zod without its first-parse JIT).
  inject: ['shared/lambda/bundle-prelude.ts'],
} as const;

/** Largest bundle (index.mjs, source map aside) a function may ship: cold starts grow with it. */
export const MAX_BUNDLE_BYTES = 360 * 1024;

/** The esbuild options NodejsFunction derives from LAMBDA_BUNDLING (ESM, platform node). */
export function lambdaEsbuildOptions(projectRoot: string, entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [path.join(projectRoot, entry)],
    outfile,
    absWorkingDir: projectRoot,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: LAMBDA_BUNDLING.target,
    minify: LAMBDA_BUNDLING.minify,
    sourcemap: LAMBDA_BUNDLING.sourceMap,
    sourcesContent: LAMBDA_BUNDLING.sourcesContent,
    mainFields: [...LAMBDA_BUNDLING.mainFields],
    banner: { js: LAMBDA_BUNDLING.banner },
    external: [...LAMBDA_BUNDLING.externalModules],
    inject: [...LAMBDA_BUNDLING.inject],
    logLevel: 'warning',
  };
}
