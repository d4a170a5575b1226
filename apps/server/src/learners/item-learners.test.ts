import { describe, expect, it } from 'vitest';
import type { ItemLearner } from '@coursecast/api';
import { itemLearnersCsv } from './item-learners.js';

const row = (o: Partial<ItemLearner>): ItemLearner => ({
  learnerId: 'lrn_a',
  name: null,
  email: null,
  issuer: 'https://lms.example',
  status: 'completed',
  completion: 0.954,
  attempt: null,
  scoreScaled: null,
  timeSpentSeconds: null,
  lastSeen: '2030-01-01T00:00:00.000Z',
  lmsScore: { scoreGiven: 95, state: 'sent', lastError: null },
  ...o,
});

describe('the learners CSV', () => {
  it('writes one quoted-when-needed row per learner, percentages rounded, empty cells for what does not apply', () => {
    const csv = itemLearnersCsv([
      row({}),
      row({
        learnerId: 'lrn_b',
        name: 'Lovelace, Ada "A."',
        completion: null,
        attempt: 2,
        scoreScaled: 0.8,
        timeSpentSeconds: 90.4,
        lmsScore: null,
        status: 'passed',
      }),
    ]);
    expect(csv.split('\r\n')).toEqual([
      'learner_id,name,email,lms,status,completion_percent,attempt,score_percent,time_spent_seconds,last_seen,lms_score,lms_score_state',
      'lrn_a,,,https://lms.example,completed,95.4,,,,2030-01-01T00:00:00.000Z,95,sent',
      'lrn_b,"Lovelace, Ada ""A.""",,https://lms.example,passed,,2,80,90,2030-01-01T00:00:00.000Z,,',
      '',
    ]);
  });

  it('never lets a name from an LMS become a spreadsheet formula', () => {
    const csv = itemLearnersCsv([row({ name: '=HYPERLINK("http://evil")', email: '+1@example.com' })]);
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"")",'+1@example.com`);
  });
});
