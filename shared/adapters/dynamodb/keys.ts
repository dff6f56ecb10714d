// Every key format of the data table, in one place.

export const keys = {
  meeting: (meetingId: string) => ({ pk: `MEETING#${meetingId}`, sk: 'META' }),
  /** All meetings, listed through gsi1, soonest first. */
  meetingListing: (firstDate: string, meetingId: string) => ({ gsi1pk: 'MEETINGS', gsi1sk: `${firstDate}#${meetingId}` }),
  meetingPartition: (meetingId: string) => `MEETING#${meetingId}`,
  item: (meetingId: string, itemKey: string) => ({ pk: `MEETING#${meetingId}`, sk: `ITEM#${itemKey}` }),
  ITEM_PREFIX: 'ITEM#',
  /** Exactly-once marker of a notification on one channel (email, callback). */
  delivery: (notificationId: string, channel: string) => ({ pk: `DELIVERY#${notificationId}#${channel}`, sk: 'META' }),
  META: 'META',
} as const;

export const registrationKeys = {
  registration: (registrationId: string) => ({ pk: `REG#${registrationId}`, sk: 'META' }),
  /** Registrations of a meeting through gsi1, in order of arrival. */
  meetingListing: (meetingId: string, createdAt: string, registrationId: string) => ({
    gsi1pk: `MEETING#${meetingId}#REGS`,
    gsi1sk: `${createdAt}#${registrationId}`,
  }),
  meetingListingPartition: (meetingId: string) => `MEETING#${meetingId}#REGS`,
  /** Idempotency on the w.c.s. form: one registration per form uuid. */
  form: (formUuid: string) => ({ pk: `FORM#${formUuid}`, sk: 'META' }),
  /** One registration per (meeting, normalised email). */
  email: (meetingId: string, email: string) => ({ pk: `EMAIL#${meetingId}#${email}`, sk: 'META' }),
  /** FIFO ticket counter of an item's waiting list (kept off the hot counter item). */
  ticketSequence: (meetingId: string, itemKey: string) => ({ pk: `SEQ#${meetingId}#${itemKey}`, sk: 'META' }),
  waitingPartition: (meetingId: string, itemKey: string) => `WAIT#${meetingId}#${itemKey}`,
  waiting: (meetingId: string, itemKey: string, ticket: number) => ({
    pk: `WAIT#${meetingId}#${itemKey}`,
    sk: String(ticket).padStart(12, '0'),
  }),
  outboxPartition: 'OUTBOX',
  outbox: (createdAt: string, notificationId: string) => ({ pk: 'OUTBOX', sk: `${createdAt}#${notificationId}` }),
} as const;

/**
 * The vote context. A campaign's partition holds the campaign, its proposals, their supports
 * and the organisations' first spellings, so that one consistent Query reads all of it (the
 * ballot is frozen from that read). Ballots live in their own partition per campaign, and
 * the tally in a sharded counter set (shared/adapters/dynamodb/counters.ts).
 */
export const voteKeys = {
  campaignPartition: (campaignId: string) => `VCAMP#${campaignId}`,
  campaign: (campaignId: string) => ({ pk: `VCAMP#${campaignId}`, sk: 'META' }),
  /** Every campaign, through gsi1. */
  campaignListing: (campaignId: string) => ({ gsi1pk: 'VCAMPAIGNS', gsi1sk: campaignId }),
  CAMPAIGN_LISTING: 'VCAMPAIGNS',
  PROPOSAL_PREFIX: 'PROP#',
  proposal: (campaignId: string, proposalId: string) => ({ pk: `VCAMP#${campaignId}`, sk: `PROP#${proposalId}` }),
  SUPPORT_PREFIX: 'SUP#',
  /** One support per (proposal, organisation key): the proposer's and each co-signature. */
  support: (campaignId: string, proposalId: string, organisationKey: string) => ({
    pk: `VCAMP#${campaignId}`,
    sk: `SUP#${proposalId}#${organisationKey}`,
  }),
  NAME_PREFIX: 'ORG#',
  /** The first spelling of an organisation seen in the campaign. */
  organisationName: (campaignId: string, organisationKey: string) => ({ pk: `VCAMP#${campaignId}`, sk: `ORG#${organisationKey}` }),
  ballotPartition: (campaignId: string) => `VBALLOTS#${campaignId}`,
  /** One ballot per (campaign, organisation key). */
  ballot: (campaignId: string, organisationKey: string) => ({ pk: `VBALLOTS#${campaignId}`, sk: `ORG#${organisationKey}` }),
  /** Idempotency on the w.c.s. forms, one namespace per form kind. */
  proposalForm: (formUuid: string) => ({ pk: `VFORM#proposal#${formUuid}`, sk: 'META' }),
  cosignForm: (formUuid: string) => ({ pk: `VFORM#cosign#${formUuid}`, sk: 'META' }),
  ballotForm: (formUuid: string) => ({ pk: `VFORM#ballot#${formUuid}`, sk: 'META' }),
  /** Counter set (shared/adapters/dynamodb/counters.ts) of a campaign's live tally. */
  tallySet: (campaignId: string) => `vote:${campaignId}`,
} as const;
