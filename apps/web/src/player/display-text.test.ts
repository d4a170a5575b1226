import { describe, expect, it } from 'vitest';
import { idFromPath, pagePaths } from './catalog-api.js';
import {
  describeMode,
  describeReason,
  describeStatus,
  formatBitrate,
  formatBytes,
  formatClock,
  packageLabel,
} from './display-text.js';

describe('display text', () => {
  it('shows durations as a clock', () => {
    expect(formatClock(7)).toBe('0:07');
    expect(formatClock(725.4)).toBe('12:05');
    expect(formatClock(3723)).toBe('1:02:03');
    expect(formatClock(null)).toBe('—');
    expect(formatClock(-1)).toBe('—');
  });

  it('shows bitrates', () => {
    expect(formatBitrate(850_000)).toBe('850 kb/s');
    expect(formatBitrate(2_400_000)).toBe('2.4 Mb/s');
    expect(formatBitrate(null)).toBe('—');
  });

  it('explains every plan mode and reason, and names unknown ones as they are', () => {
    for (const mode of ['vod', 'direct', 'remux', 'transcode'])
      expect(describeMode(mode)).not.toContain(mode);
    expect(describeMode('teleport')).toContain('teleport');
    expect(describeReason('video_codec_not_supported')).toContain('video format');
    expect(describeReason('moon_phase_wrong')).toBe('moon phase wrong');
  });

  it('labels statuses, with a note where the item is not plainly ready', () => {
    expect(describeStatus('ready')).toEqual({ label: 'Ready', note: null });
    expect(describeStatus('processing').note).toContain('watched already');
    expect(describeStatus('failed').label).toBe('Unavailable');
  });
});

describe('page paths', () => {
  it('links items to their watch page with the course, and reads ids back from a path', () => {
    expect(pagePaths.watch('itm_1', 'crs_1')).toBe('/watch/itm_1?course=crs_1');
    expect(pagePaths.watch('itm_1')).toBe('/watch/itm_1');
    expect(pagePaths.course('crs 1')).toBe('/courses/crs%201');
    expect(pagePaths.learn('itm_2', 'crs_1')).toBe('/learn/itm_2?course=crs_1');
    expect(idFromPath('/watch/itm_1')).toBe('itm_1');
    expect(idFromPath('/courses/crs%201/')).toBe('crs 1');
    expect(idFromPath('/watch/')).toBe('watch');
    expect(idFromPath('/')).toBeNull();
    expect(idFromPath('/watch/%E0%A4%A')).toBeNull();
  });
});

describe('sizes and package types', () => {
  it('writes sizes in powers of 1024 and names package types', () => {
    expect(formatBytes(812)).toBe('812 B');
    expect(formatBytes(14.2 * 1024)).toBe('14 KB');
    expect(formatBytes(3.1 * 1024 * 1024)).toBe('3.1 MB');
    expect(formatBytes(null)).toBe('—');
    expect(formatBytes(-1)).toBe('—');
    expect(packageLabel('scorm_2004')).toBe('SCORM 2004');
    expect(packageLabel('html5')).toBe('HTML5');
    expect(packageLabel('xapi')).toBe('xapi');
  });
});
