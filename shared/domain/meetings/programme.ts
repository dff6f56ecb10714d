// A meeting day's recording and its programme (the chapters in it): the JSON of the signed
// GET /meetings/{id}/programme (a portal page) and the links of the recording email. Pure.
import { DateTime } from 'luxon';
import type { Meeting } from './schema.ts';

/** `1:05:30`, or `5:30` under an hour. */
export function formatOffset(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** The recording at a chapter's start (a Media Fragments `#t=` that players understand). */
export function chapterUrl(recordingUrl: string, offsetSeconds: number): string {
  const base = recordingUrl.split('#')[0] as string;
  return offsetSeconds > 0 ? `${base}#t=${offsetSeconds}` : base;
}

/** The instant a day is over (the next day at 00:00 in the meeting's zone): its recording is sent from then on. */
export function dayEnd(meeting: Pick<Meeting, 'timezone'>, date: string): Date {
  return DateTime.fromISO(date, { zone: meeting.timezone }).plus({ days: 1 }).toJSDate();
}

/** Every day with its recording (null until published) and its chapters. Never the video link of the day. */
export function programmeView(meeting: Meeting) {
  return {
    meeting_id: meeting.id,
    title: meeting.title,
    days: meeting.days.map((d) => ({
      date: d.date,
      label: d.label,
      recording_url: d.recording_url ?? null,
      chapters: (d.programme ?? []).map((c) => ({
        title: c.title,
        start: formatOffset(c.offset_seconds),
        offset_seconds: c.offset_seconds,
        url: d.recording_url ? chapterUrl(d.recording_url, c.offset_seconds) : null,
        slides_url: c.slides_url ?? null,
      })),
    })),
  };
}
