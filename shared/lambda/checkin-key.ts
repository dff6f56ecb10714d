// The key check-in tokens are derived from (CHECKIN_TOKEN_KEY, an SSM SecureString in AWS), for
// the functions whose manifest entry says `usesCheckinTokenKey`; read only when a token is made.
import type { ServiceContext } from '#shared/lambda/service-context.ts';

export function checkinKeyOf(ctx: Pick<ServiceContext, 'secrets'>): () => Promise<string> {
  return async () => {
    const key = (await ctx.secrets()).checkinTokenKey;
    // Fail loudly (a 500, logged) rather than derive tokens from a guessable key.
    if (!key) throw new Error('CHECKIN_TOKEN_KEY is not configured');
    return key;
  };
}
