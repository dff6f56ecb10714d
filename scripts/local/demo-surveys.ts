// The demo survey `npm start` creates on the demo meeting `club-12`, through the real admin
// route (PUT /admin/surveys/club-12-avis): open from yesterday for 90 days, so that a demo
// registration can answer it at once. Same questions as the contract's example.
import { DateTime } from 'luxon';

const ZONE = 'Europe/Paris';
export const DEMO_SURVEY_ID = 'club-12-avis';

export interface SurveySeedResult {
  surveyId: string;
  ok: boolean;
  status: number;
  body: string;
}

export function demoSurvey(now: Date) {
  const today = DateTime.fromJSDate(now, { zone: ZONE }).startOf('day');
  const stamp = (d: DateTime) => d.toISO({ suppressMilliseconds: true }) as string;
  return {
    id: DEMO_SURVEY_ID,
    body: {
      meeting_id: 'club-12',
      title: 'Votre avis sur le 12e club',
      opens_at: stamp(today.minus({ days: 1 })),
      closes_at: stamp(today.plus({ days: 90 }).set({ hour: 23, minute: 59, second: 59 })),
      eligibility: 'registered',
      min_group_size: 5,
      questions: [
        { id: 'global', type: 'rating', label: 'Note globale du club', required: true },
        { id: 'recommande', type: 'nps', label: 'Recommanderiez-vous le club à un collègue ?', required: true },
        {
          id: 'format',
          type: 'single',
          label: 'Le format qui vous convient',
          options: [
            { id: 'sur-place', text: 'Sur place' },
            { id: 'distance', text: 'À distance' },
            { id: 'hybride', text: 'Hybride' },
          ],
        },
        {
          id: 'sujets',
          type: 'multiple',
          label: 'Les sujets à approfondir',
          options: [
            { id: 'portail', text: 'Portail' },
            { id: 'workflows', text: 'Workflows' },
            { id: 'stats', text: 'Statistiques' },
          ],
        },
        { id: 'atelier_wcs', type: 'rating', label: 'L’atelier « Prise en main de w.c.s. »', workshop: 'prise-en-main-wcs' },
        { id: 'remarques', type: 'text', label: 'Vos remarques' },
      ],
    },
  };
}

/** An answer body as a w.c.s. webservice call sends it (key/value POST data, `answers` object). */
export function demoSurveyResponse(n: number) {
  return {
    form_uuid: `demo-avis-${n}`,
    email: `personne${n}@example.org`,
    answers: { global: 5, recommande: 9, format: 'hybride', sujets: ['portail', 'workflows'], remarques: 'Très bon club !' },
  };
}

export async function seedDemoSurvey(baseUrl: string, adminToken: string, now: Date): Promise<SurveySeedResult> {
  const survey = demoSurvey(now);
  try {
    const answer = await fetch(`${baseUrl}/admin/surveys/${survey.id}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(survey.body),
    });
    return { surveyId: survey.id, ok: answer.ok, status: answer.status, body: await answer.text() };
  } catch (error) {
    return { surveyId: survey.id, ok: false, status: 0, body: error instanceof Error ? error.message : String(error) };
  }
}
