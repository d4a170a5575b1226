import { expect, it } from 'vitest';
import { launchFrameSrc } from './learn-module.js';

const TP = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

it('names this page’s origin and the load span in the launch frame URL', () => {
  expect(launchFrameSrc('http://127.0.0.1:8081/launch/itm_1', 'http://127.0.0.1:8080', TP)).toBe(
    `http://127.0.0.1:8081/launch/itm_1?parent=http%3A%2F%2F127.0.0.1%3A8080&traceparent=${TP}`,
  );
  expect(launchFrameSrc('https://content.example/launch/itm_1?x=1', 'https://learn.example', TP)).toBe(
    `https://content.example/launch/itm_1?x=1&parent=https%3A%2F%2Flearn.example&traceparent=${TP}`,
  );
});
