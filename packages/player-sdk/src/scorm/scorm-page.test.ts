import { describe, expect, it } from 'vitest';
import { findLaunchHook, LAUNCH_HOOK, type LaunchHook } from './scorm-page.js';

interface FakeWindow {
  parent: FakeWindow;
  [LAUNCH_HOOK]?: LaunchHook;
}

const top = (): FakeWindow => {
  const w = {} as FakeWindow;
  w.parent = w;
  return w;
};
const child = (parent: FakeWindow): FakeWindow => ({ parent });

describe('the page half finding its launch frame', () => {
  it('walks up from its own window to the launch frame, through the package’s own frames', () => {
    const hook: LaunchHook = { problem: () => undefined };
    const launch = child(top());
    launch[LAUNCH_HOOK] = hook;
    const frameset = child(launch);
    const content = child(frameset);
    expect(findLaunchHook(content)).toBe(hook);
    expect(findLaunchHook(launch)).toBe(hook);
  });

  it('finds none when opened outside a launch frame, or when the walk reaches another origin', () => {
    expect(findLaunchHook(child(top()))).toBeNull();
    // The learner's page, another origin: reading it throws, as a browser's cross-origin window does.
    const app = top();
    const crossOrigin = new Proxy(app, {
      get(target, key) {
        if (key === LAUNCH_HOOK) throw new DOMException('Blocked a frame', 'SecurityError');
        return Reflect.get(target, key) as unknown;
      },
    });
    expect(findLaunchHook(child(child(crossOrigin)))).toBeNull();
  });

  it('ignores a hook that is not one (a package defining the name)', () => {
    const launch = child(top());
    Object.assign(launch, { [LAUNCH_HOOK]: { problem: 'not a function' } });
    expect(findLaunchHook(child(launch))).toBeNull();
  });
});
