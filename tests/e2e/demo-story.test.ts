// The README's demo, run as told (README "The two commands", the `npm start` banner of
// scripts/dev.ts): the demo meeting, campaign and survey seeded as `npm start` seeds them, then
// five registrations, the first person cancels, the people waiting are promoted and emailed,
// someone still registered votes and answers the survey. Same ids and emails as the banner
// (scripts/local/demo-story.ts); a contradiction between the story's steps fails here.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoMeeting } from '../../scripts/local/demo-meeting.ts';
import { DEMO_MEETING_ID, DEMO_STORY, demoEmail, demoRegistration, demoRegistrationShellWord } from '../../scripts/local/demo-story.ts';
import { DEMO_SURVEY_ID, demoSurveyResponse, seedDemoSurvey } from '../../scripts/local/demo-surveys.ts';
import { DEMO_CAMPAIGN_ID, seedDemoVotes } from '../../scripts/local/demo-votes.ts';
import { startTestStack, type TestStack } from '#tests/support/local-stack.ts';

let stack: TestStack;
const now = new Date();
let proposals: string[] = [];

interface Answer {
  err: number;
  err_class?: string;
  data: {
    registration_id: string;
    status: string;
    days: Array<{ status: string; waiting_position: number | null }>;
    evening_event: { status: string; waiting_position: number | null } | null;
  };
}

beforeAll(async () => {
  stack = await startTestStack();
  // As scripts/local/runtime.ts seeds `npm start`: the meeting, then the campaign and the survey.
  const meeting = demoMeeting(now);
  const put = await stack.fetchAdmin(`/admin/meetings/${meeting.id}`, { method: 'PUT', json: meeting.body });
  expect(put.status).toBe(201);
  const votes = await seedDemoVotes(stack.baseUrl, stack.keys, stack.adminToken, now);
  expect(votes).toMatchObject({ ok: true, campaignId: DEMO_CAMPAIGN_ID });
  proposals = votes.proposals;
  const survey = await seedDemoSurvey(stack.baseUrl, stack.adminToken, now);
  expect(survey.ok).toBe(true);
});

afterAll(async () => {
  await stack?.stop();
});

async function post(path: string, json: unknown): Promise<Answer> {
  return (await (await stack.fetchSigned(path, { method: 'POST', json })).json()) as Answer;
}

describe('the README demo story, in the order told', () => {
  it('the banner loop sends the same bodies as this test', () => {
    const word = demoRegistrationShellWord(now);
    const sent = execFileSync('bash', ['-c', `n=3; printf '%s' ${word}`], { encoding: 'utf8' });
    expect(JSON.parse(sent)).toEqual(demoRegistration(3, now));
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const n of [DEMO_STORY.cancels, DEMO_STORY.promotedToEvening, DEMO_STORY.promotedToDay, DEMO_STORY.voter]) {
      expect(readme).toContain(`personne${n}`);
    }
    expect(readme).toContain(demoEmail(DEMO_STORY.cancels));
  });

  it('registrations, a cancellation and promotions, then the vote and the survey of someone still registered', async () => {
    // 1. Five registrations: the fourth waits for the evening, the fifth for the day and the evening.
    const answers = new Map<number, Answer['data']>();
    for (const n of DEMO_STORY.people) {
      const answer = await post(`/meetings/${DEMO_MEETING_ID}/registrations`, demoRegistration(n, now));
      expect(answer.err, JSON.stringify(answer)).toBe(0);
      answers.set(n, answer.data);
    }
    expect(answers.get(3)).toMatchObject({ status: 'confirmed', evening_event: { status: 'confirmed' } });
    expect(answers.get(DEMO_STORY.promotedToEvening)).toMatchObject({
      status: 'partial',
      days: [{ status: 'confirmed' }],
      evening_event: { status: 'waiting', waiting_position: 1 },
    });
    expect(answers.get(DEMO_STORY.promotedToDay)).toMatchObject({
      status: 'waiting',
      days: [{ status: 'waiting', waiting_position: 1 }],
      evening_event: { status: 'waiting', waiting_position: 2 },
    });

    // 2. The first person cancels: the first person waiting for each freed item is confirmed and emailed.
    const cancelled = await post(`/registrations/${answers.get(DEMO_STORY.cancels)!.registration_id}/cancel`, {});
    expect(cancelled.err).toBe(0);
    expect(cancelled.data.status).toBe('cancelled');
    const status = async (n: number) =>
      ((await (await stack.fetchSigned(`/registrations/${answers.get(n)!.registration_id}`)).json()) as Answer).data;
    expect(await status(DEMO_STORY.promotedToEvening)).toMatchObject({ status: 'confirmed', evening_event: { status: 'confirmed' } });
    expect(await status(DEMO_STORY.promotedToDay)).toMatchObject({
      status: 'partial',
      days: [{ status: 'confirmed' }],
      evening_event: { status: 'waiting', waiting_position: 1 },
    });
    await stack.consumers['queue-notifier']?.poller.idle(60_000);
    for (const n of [DEMO_STORY.promotedToEvening, DEMO_STORY.promotedToDay]) {
      const mails = await stack.emails({ to: demoEmail(n) });
      expect(mails.filter((m) => m.subject.startsWith('Une place s’est libérée'))).toHaveLength(1);
    }

    // 3. The vote: open the campaign, vote as someone still registered, vote again (replaced), read the results.
    const open = await stack.fetchAdmin(`/admin/campaigns/${DEMO_CAMPAIGN_ID}/open`, { method: 'POST' });
    expect(open.status).toBe(200);
    const ballot = { form_uuid: 'demo-ballot-1', email: demoEmail(DEMO_STORY.voter), choices: proposals.slice(0, 1) };
    const first = (await (await stack.fetchSigned(`/campaigns/${DEMO_CAMPAIGN_ID}/ballots`, { method: 'POST', json: ballot })).json()) as {
      err: number;
      err_class?: string;
      data: { replaced: boolean; organisation: string };
    };
    expect(first.err, JSON.stringify(first)).toBe(0);
    expect(first.data).toMatchObject({ replaced: false, organisation: 'Ville de Villejuif' });
    const again = (await (
      await stack.fetchSigned(`/campaigns/${DEMO_CAMPAIGN_ID}/ballots`, { method: 'POST', json: { ...ballot, form_uuid: 'demo-ballot-2' } })
    ).json()) as { err: number; data: { replaced: boolean } };
    expect(again).toMatchObject({ err: 0, data: { replaced: true } });
    // The person who cancelled is no longer in the electorate: the reason the README no longer votes as them.
    const refused = (await (
      await stack.fetchSigned(`/campaigns/${DEMO_CAMPAIGN_ID}/ballots`, {
        method: 'POST',
        json: { ...ballot, form_uuid: 'demo-ballot-3', email: demoEmail(DEMO_STORY.cancels) },
      })
    ).json()) as { err: number; err_class?: string };
    expect(refused).toMatchObject({ err: 1, err_class: 'not-in-electorate' });
    const results = (await (await stack.fetchSigned(`/campaigns/${DEMO_CAMPAIGN_ID}/results`)).json()) as { err: number };
    expect(results.err).toBe(0);

    // 4. The survey: the same person answers (a second form is refused), the organiser reads the results.
    const response = (await (await stack.fetchSigned(`/surveys/${DEMO_SURVEY_ID}/responses`, { method: 'POST', json: demoSurveyResponse(DEMO_STORY.voter) })).json()) as {
      err: number;
      err_class?: string;
    };
    expect(response.err, JSON.stringify(response)).toBe(0);
    const second = (await (
      await stack.fetchSigned(`/surveys/${DEMO_SURVEY_ID}/responses`, { method: 'POST', json: { ...demoSurveyResponse(DEMO_STORY.voter), form_uuid: 'demo-avis-bis' } })
    ).json()) as { err: number; err_class?: string };
    expect(second.err).toBe(1);
    const surveyResults = await stack.fetchAdmin(`/admin/surveys/${DEMO_SURVEY_ID}/results`);
    expect(surveyResults.status).toBe(200);
    expect(((await surveyResults.json()) as { data: { responses: number } }).data.responses).toBe(1);
  });
});
