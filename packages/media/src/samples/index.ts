// Generated sample media (FFmpeg testsrc2 + sine): the demo's lecture and the tests' clips. A separate entry
// point, so the package's main index carries only the pipeline.
export { buildTestClipArgs, generateTestClip, type TestClipOptions } from './test-clip-generate.js';
export { generateMkvTestClip, mkvTestClipExtraArgs, type MkvTestClipOptions } from './mkv-test-clip.js';
