// Every key format of the data table, in one place.

export const keys = {
  meeting: (meetingId: string) => ({ pk: `MEETING#${meetingId}`, sk: 'META' }),
  /** All meetings, listed through gsi1, soonest first. */
  meetingListing: (firstDate: string, meetingId: string) => ({ gsi1pk: 'MEETINGS', gsi1sk: `${firstDate}#${meetingId}` }),
  meetingPartition: (meetingId: string) => `MEETING#${meetingId}`,
  item: (meetingId: string, itemKey: string) => ({ pk: `MEETING#${meetingId}`, sk: `ITEM#${itemKey}` }),
  ITEM_PREFIX: 'ITEM#',
  META: 'META',
} as const;
