import { describe, expect, it } from 'vitest';
import { failureRows, loadRows, materialLabel, scormRows, slowestRows } from './content-loads-panel.js';
import { formatKb } from './number-format.js';
import { isPanelEmpty } from './panel-data.js';

describe('the course material panel', () => {
  it('names each kind and type as a person reads it', () => {
    expect(materialLabel('module', 'scorm_2004')).toBe('SCORM 2004 module');
    expect(materialLabel('module', 'html5')).toBe('HTML5 module');
    expect(materialLabel('document', 'pdf')).toBe('PDF document');
    expect(materialLabel('module', 'unknown')).toBe('Module (type unknown)');
    expect(materialLabel('module', 'xapi')).toBe('xapi module');
  });

  it('builds the loads rows: success bar, counts, load time quantiles and size', () => {
    const [module, failing] = loadRows(
      [
        {
          kind: 'module',
          type: 'scorm_12',
          loads: 1200,
          failed: 60,
          success_rate: 0.95,
          load_p50_ms: 850,
          load_p95_ms: 2400,
          size_p50_kb: 1536,
        },
        {
          kind: 'document',
          type: 'png',
          loads: 1,
          failed: 1,
          success_rate: 0,
          load_p50_ms: null,
          load_p95_ms: null,
          size_p50_kb: null,
        },
      ],
      'en-US',
    );
    expect(module).toEqual({
      key: 'module:scorm_12',
      label: 'SCORM 1.2 module',
      fill: 0.95,
      text: '95%',
      tone: 'warn',
      cells: ['1,200', '60', '850 ms', '2.4 s', '1.5 MB'],
    });
    // A type that never loaded has no load time: dashes, never zeros.
    expect(failing).toMatchObject({
      key: 'document:png',
      text: '0%',
      tone: 'bad',
      cells: ['1', '1', '—', '—', '—'],
    });
  });

  it('builds the SCORM rows: completed share, finished, passed, score and session time', () => {
    expect(
      scormRows(
        [
          {
            version: '2004',
            attempts: 8,
            finished: 6,
            completed: 4,
            passed: 3,
            score_avg: 0.725,
            session_time_p50_s: 95,
          },
          {
            version: '1.2',
            attempts: 0,
            finished: 0,
            completed: 0,
            passed: 0,
            score_avg: null,
            session_time_p50_s: null,
          },
        ],
        'en-US',
      ),
    ).toEqual([
      {
        key: '2004',
        label: 'SCORM 2004',
        fill: 0.5,
        text: '50%',
        tone: 'neutral',
        cells: ['8', '6', '3', '72.5%', '1.6 min'],
      },
      {
        key: '1.2',
        label: 'SCORM 1.2',
        fill: null,
        text: '—',
        tone: 'neutral',
        cells: ['0', '0', '0', '—', '—'],
      },
    ]);
  });

  it('draws the slowest items relative to the slowest one', () => {
    const rows = slowestRows(
      [
        { item_id: 'itm_a', kind: 'module', type: 'scorm_2004', loads: 3, failed: 1, load_p95_ms: 4000 },
        { item_id: 'itm_b', kind: 'document', type: 'pdf', loads: 10, failed: 0, load_p95_ms: 1000 },
      ],
      'en-US',
    );
    expect(rows.map((r) => [r.key, r.fill, r.text, ...r.cells])).toEqual([
      ['itm_a', 1, '4 s', 'SCORM 2004 module', '3', '1'],
      ['itm_b', 0.25, '1 s', 'PDF document', '10', '0'],
    ]);
  });

  it('names why modules failed to start, each reason’s share of the failures and its latest problem', () => {
    const rows = failureRows(
      [
        { reason: 'script_error', loads: 3, items: 2, last_problem: 'TypeError: x is null (app.js:9)' },
        { reason: 'api_not_found', loads: 1, items: 1, last_problem: null },
        { reason: 'made_up_by_a_browser', loads: 0, items: 0, last_problem: null },
      ],
      'en-US',
    );
    expect(rows.map((r) => [r.key, r.label, r.fill, r.text, ...r.cells])).toEqual([
      ['script_error', 'Script error', 0.75, '3', '2', 'TypeError: x is null (app.js:9)'],
      ['api_not_found', 'SCORM API not found', 0.25, '1', '1', '—'],
      ['made_up_by_a_browser', 'made_up_by_a_browser', 0, '0', '0', '—'],
    ]);
  });

  it('is empty when no load and no SCORM attempt is in the range', () => {
    expect(isPanelEmpty('content-loads', { loads: [], scorm: [], slowest: [] })).toBe(true);
    const attempt = { version: '2004', attempts: 1 };
    expect(isPanelEmpty('content-loads', { loads: [], scorm: [attempt], slowest: [] })).toBe(false);
    expect(isPanelEmpty('content-loads', { loads: [{ loads: 1 }], scorm: [], slowest: [] })).toBe(false);
  });

  it('formats sizes given in KB', () => {
    expect(formatKb(4.25, 'en-US')).toBe('4.3 KB');
    expect(formatKb(850, 'en-US')).toBe('850 KB');
    expect(formatKb(2560, 'en-US')).toBe('2.5 MB');
    expect(formatKb(null)).toBe('—');
  });
});
