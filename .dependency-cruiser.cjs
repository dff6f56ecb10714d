// The layering rules of docs/architecture.md, checked by tests/unit/architecture.test.ts
// (part of `npm test`) and by `npx depcruise shared functions`.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      severity: 'error',
      comment: 'No import cycle, type-only imports included: a reader follows a context top to bottom.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-free-of-runtime',
      severity: 'error',
      comment: 'The domain never imports the Lambda layer, the adapters, the composition roots or the AWS SDK.',
      from: { path: '^shared/domain/' },
      to: { path: ['^shared/lambda/', '^shared/adapters/', '^shared/contexts/', '^functions/', '@aws-sdk', '@aws-lambda-powertools', '@middy'] },
    },
    {
      name: 'publik-free-of-domain',
      severity: 'error',
      comment: 'The Publik protocol module knows nothing of the club: no domain, adapters, Lambda layer or composition roots.',
      from: { path: '^shared/publik/' },
      to: { path: ['^shared/domain/', '^shared/adapters/', '^shared/lambda/', '^shared/contexts/'] },
    },
    {
      name: 'adapters-below-wiring',
      severity: 'error',
      comment: 'Adapters implement ports; they never reach up to the Lambda layer, the composition roots or the functions.',
      from: { path: '^shared/adapters/' },
      to: { path: ['^shared/lambda/', '^shared/contexts/', '^functions/'] },
    },
    {
      name: 'functions-through-contexts',
      severity: 'error',
      comment: 'Entry points build their repositories and clients through a composition root (shared/contexts/), never directly.',
      from: { path: '^functions/' },
      to: { path: '^shared/adapters/' },
    },
    {
      name: 'shared-below-functions',
      severity: 'error',
      comment: 'functions/ are entry points: nothing in shared/ imports them.',
      from: { path: '^shared/' },
      to: { path: '^functions/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|cdk\\.out|\\.local)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
