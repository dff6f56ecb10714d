// The key of the survey participation markers (PARTICIPATION_HASH_KEY, an SSM SecureString in
// AWS), for the functions whose manifest entry says `usesParticipationKey`.
import type { ServiceContext } from '#shared/lambda/service-context.ts';

export function participationKeyOf(ctx: ServiceContext): () => Promise<string> {
  return async () => {
    const key = (await ctx.secrets()).participationKey;
    // Fail loudly (500 / a failed delivery, logged) rather than hash with a guessable key.
    if (!key) throw new Error('PARTICIPATION_HASH_KEY is not configured');
    return key;
  };
}
