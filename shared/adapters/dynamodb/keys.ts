// Every key format of the data table, in one place: one object per context (meetingKeys,
// registrationKeys, deliveryKeys, reminderKeys, sessionKeys, voteKeys, surveyKeys), always
// imported by its full name so that `pk` and `sk` only ever mean DynamoDB's attributes.
import { waitingOrderKey } from '#shared/domain/registrations/waiting-order.ts';

/** Meetings and their capacity counters (one item per day, remote access, workshop, evening). */
export const meetingKeys = {
  meeting: (meetingId: string) => ({ pk: `MEETING#${meetingId}`, sk: 'META' }),
  /** All meetings, listed through gsi1, soonest first. */
  meetingListing: (firstDate: string, meetingId: string) => ({ gsi1pk: 'MEETINGS', gsi1sk: `${firstDate}#${meetingId}` }),
  meetingPartition: (meetingId: string) => `MEETING#${meetingId}`,
  item: (meetingId: string, itemKey: string) => ({ pk: `MEETING#${meetingId}`, sk: `ITEM#${itemKey}` }),
  /** An organiser's ad-hoc message; sorts after META (`META` < `MSG#`), items before it. */
  message: (meetingId: string, messageId: string) => ({ pk: `MEETING#${meetingId}`, sk: `MSG#${messageId}` }),
  ITEM_PREFIX: 'ITEM#',
  META: 'META',
} as const;

/** Exactly-once marker of a notification on one channel (email, callback). */
export const deliveryKeys = {
  delivery: (notificationId: string, channel: string) => ({ pk: `DELIVERY#${notificationId}#${channel}`, sk: 'META' }),
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
  /** A waiting entry, sorted by its ticket or, once an organiser moved it, by its rank (waiting-order.ts). */
  waiting: (meetingId: string, itemKey: string, ticket: number, rank?: string) => ({
    pk: `WAIT#${meetingId}#${itemKey}`,
    sk: waitingOrderKey({ ticket, rank }),
  }),
  /** Check-in token → registration, keyed by the SHA-256 of the token, never the token itself. */
  checkinToken: (tokenHash: string) => ({ pk: `CHECKIN#${tokenHash}`, sk: 'META' }),
  outboxPartition: 'OUTBOX',
  outbox: (createdAt: string, notificationId: string) => ({ pk: 'OUTBOX', sk: `${createdAt}#${notificationId}` }),
} as const;

export const reminderKeys = {
  /** Schedule of an owner (session series, meeting, survey): revision and next due instant. */
  schedule: (ownerKind: string, ownerId: string) => ({ pk: `RMD#${ownerKind}#${ownerId}`, sk: '#SCHEDULE' }),
  ownerPartition: (ownerKind: string, ownerId: string) => `RMD#${ownerKind}#${ownerId}`,
  /** Sparse listing of owners by next due instant (only owners with something ahead). */
  duePartition: 'REMINDERS-DUE',
  due: (dueAt: string, ownerKind: string, ownerId: string) => ({ gsi1pk: 'REMINDERS-DUE', gsi1sk: `${dueAt}#${ownerKind}#${ownerId}` }),
  /** One record per (subject, kind, rule, sequence) in the owner's partition. */
  dispatch: (ownerKind: string, ownerId: string, dispatchId: string) => ({ pk: `RMD#${ownerKind}#${ownerId}`, sk: `DISPATCH#${dispatchId}` }),
  DISPATCH_PREFIX: 'DISPATCH#',
  /** Exactly-once marker of one message to one recipient; listed per subject. */
  dispatchDelivery: (subject: string, kind: string, rule: string | null, sequence: number, recipient: string) => ({
    pk: `DLV#${subject}`,
    sk: `${kind}#${rule ?? '-'}#${sequence}#${recipient}`,
  }),
  dispatchDeliveryPartition: (subject: string) => `DLV#${subject}`,
} as const;

/** Online session series, their occurrence changes and their subscriptions. */
export const sessionKeys = {
  /** The series definition; its partition also holds the occurrence overrides. */
  series: (seriesId: string) => ({ pk: `SESSION_SERIES#${seriesId}`, sk: 'META' }),
  seriesPartition: (seriesId: string) => `SESSION_SERIES#${seriesId}`,
  /** Every series, listed through gsi1. */
  seriesListing: (seriesId: string) => ({ gsi1pk: 'SESSION_SERIES', gsi1sk: seriesId }),
  SERIES_LISTING: 'SESSION_SERIES',
  override: (seriesId: string, date: string) => ({ pk: `SESSION_SERIES#${seriesId}`, sk: `OCC#${date}` }),
  OVERRIDE_PREFIX: 'OCC#',
  /** One subscription per (series, normalised email), kept when unsubscribed. */
  subscription: (seriesId: string, email: string) => ({ pk: `SESSION_SUBS#${seriesId}`, sk: `EMAIL#${email}` }),
  subscriptionsPartition: (seriesId: string) => `SESSION_SUBS#${seriesId}`,
  SUBSCRIPTION_PREFIX: 'EMAIL#',
  /** Subscriber id → email (the id is what queue messages and logs carry). */
  subscriberPointer: (seriesId: string, subscriberId: string) => ({ pk: `SESSION_SUBS#${seriesId}`, sk: `ID#${subscriberId}` }),
  /** Active subscriptions only (sparse gsi1 entry, removed on unsubscribe), for the fan-out. */
  activeListing: (seriesId: string, subscriberId: string) => ({ gsi1pk: `SESSION_ACTIVE#${seriesId}`, gsi1sk: subscriberId }),
  activeListingPartition: (seriesId: string) => `SESSION_ACTIVE#${seriesId}`,
  /** What a w.c.s. form uuid did (idempotency). */
  form: (formUuid: string) => ({ pk: `SESSION_FORM#${formUuid}`, sk: 'META' }),
  /** One-click link → subscription, keyed by the SHA-256 of the token, never the token itself. */
  unsubscribeToken: (tokenHash: string) => ({ pk: `SESSION_UNSUB#${tokenHash}`, sk: 'META' }),
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

export const surveyKeys = {
  survey: (surveyId: string) => ({ pk: `SURVEY#${surveyId}`, sk: 'META' }),
  /** Every survey, through gsi1, written with the survey (the retention purge, the people export and the console's list walk it; a survey saved before it existed is listed after its next PUT). */
  surveyListing: (surveyId: string) => ({ gsi1pk: 'SURVEYS', gsi1sk: surveyId }),
  SURVEY_LISTING: 'SURVEYS',
  /** Who answered, keyed by HMAC(survey, normalised email): holds no email and no response id. */
  participation: (surveyId: string, hash: string) => ({ pk: `SURVEY#${surveyId}#PART#${hash}`, sk: 'META' }),
  /** Who asked for no more invitations to this survey (one-click link), keyed like `participation`. */
  optOut: (surveyId: string, hash: string) => ({ pk: `SURVEY#${surveyId}#OPTOUT#${hash}`, sk: 'META' }),
  /** An invitation's one-click link, keyed by the SHA-256 of its token (never the token itself). */
  optOutLink: (tokenHash: string) => ({ pk: `SURVEY_UNSUB#${tokenHash}`, sk: 'META' }),
  /** Which w.c.s. forms were recorded, keyed by HMAC(survey, form uuid): a replay answers `replayed`. */
  replay: (surveyId: string, hash: string) => ({ pk: `SURVEY#${surveyId}#FORM#${hash}`, sk: 'META' }),
  /** Anonymous responses; the sort key is the random response id, so reading in key order reveals nothing. */
  responsesPartition: (surveyId: string) => `SURVEY#${surveyId}#RESPONSES`,
  response: (surveyId: string, responseId: string) => ({ pk: `SURVEY#${surveyId}#RESPONSES`, sk: responseId }),
  /** Free texts of a question, one item each under a random key of their own (paginated reads). */
  textsPartition: (surveyId: string, questionId: string) => `SURVEY#${surveyId}#TEXTS#${questionId}`,
  text: (surveyId: string, questionId: string, textId: string) => ({ pk: `SURVEY#${surveyId}#TEXTS#${questionId}`, sk: textId }),
  /** Counter set of the survey's statistics (shared/adapters/dynamodb/counters.ts). */
  counterSet: (surveyId: string) => `SURVEY#${surveyId}`,
} as const;

/**
 * The audit trail: one partition, newest first by `<at>#<id>` (organiser writes: a few per
 * minute, a burst of check-ins at the door at most, far below a partition's write limit), and
 * per target through gsi1.
 */
export const auditKeys = {
  partition: 'AUDIT',
  record: (at: string, id: string) => ({ pk: 'AUDIT', sk: `${at}#${id}` }),
  targetPartition: (target: string) => `AUDIT#${target}`,
  targetListing: (target: string, at: string, id: string) => ({ gsi1pk: `AUDIT#${target}`, gsi1sk: `${at}#${id}` }),
} as const;

/**
 * The per-person index (RGPD access and erasure, tables.ts PEOPLE_INDEX): every item that holds
 * a person's email carries `person`, the normalised email, written by the same write as the
 * item (a registration and its email marker, a subscription and its pointer, token and form
 * marker, a proposal, a co-signature, a ballot, a delivery line). Erasure removes it.
 */
export const personKeys = {
  person: (email: string) => ({ person: email.trim().toLowerCase() }),
  value: (email: string) => email.trim().toLowerCase(),
} as const;
