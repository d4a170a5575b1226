// Generated sample media (FFmpeg testsrc2 + sine): the demo's lecture and the tests' clips. A separate entry
// point, so the package's main index carries only the pipeline.
export { generateTestClip } from './test-clip-generate.js';
export { generateMkvTestClip } from './mkv-test-clip.js';
export {
  LOOKALIKE_AUDIO_OFFSETS,
  LOOKALIKE_DEFAULT_SECONDS,
  LOOKALIKE_KINDS,
  generateLookalikeClip,
  lookalikeExtension,
  type LookalikeClipOptions,
  type LookalikeKind,
} from './lookalike-clip-generate.js';
export {
  generateTrackedClip,
  type ClipAudio,
  type ClipSubtitle,
  type TrackedClipOptions,
} from './tracked-clip-generate.js';
export {
  CLOCK_BITS,
  startLiveTestPublish,
  type LiveTestPublisher,
  type LiveTestPublishOptions,
} from './live-test-publish.js';
