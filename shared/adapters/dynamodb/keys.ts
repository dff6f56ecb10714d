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

export const surveyKeys = {
  survey: (surveyId: string) => ({ pk: `SURVEY#${surveyId}`, sk: 'META' }),
  /** Who answered, keyed by HMAC(survey, normalised email): holds no email and no response id. */
  participation: (surveyId: string, hash: string) => ({ pk: `SURVEY#${surveyId}#PART#${hash}`, sk: 'META' }),
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
