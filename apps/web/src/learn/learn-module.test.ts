import { expect, it } from 'vitest';
import { withTraceparent } from './learn-module.js';

const TP = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

it('names the load span in the launch URL, keeping its query and fragment', () => {
  expect(withTraceparent('/media/i/v/index.html', TP)).toBe(`/media/i/v/index.html?traceparent=${TP}`);
  expect(withTraceparent('/media/i/v/a.html?lang=en#start', TP)).toBe(
    `/media/i/v/a.html?lang=en&traceparent=${TP}#start`,
  );
  expect(withTraceparent('/media/i/v/a.html#start', TP)).toBe(`/media/i/v/a.html?traceparent=${TP}#start`);
});
