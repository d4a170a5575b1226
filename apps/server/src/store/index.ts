export {
  STORE_ERROR_CODES,
  StoreError,
  isStoreError,
  type CatalogStore,
  type Course,
  type Item,
  type ItemFields,
  type ItemSourceInfo,
  type ItemPatch,
  type Job,
  type JobFilter,
  type JobPatch,
  type NewCourse,
  type CoursePatch,
  type NewItem,
  type NewJob,
  type Rendition,
  type StoreErrorCode,
} from './catalog-store.js';
export type {
  Learner,
  LearnerIdentity,
  LtiPlatform,
  LtiPlatformPatch,
  LtiStore,
  NewLtiPlatform,
  ToolKey,
} from './lti-store.js';
export type {
  LectureProgress,
  OutboxScore,
  ProgressStore,
  ScoreBody,
  ScoreState,
  ScoreTarget,
  ScormAttempt,
  WatchedRanges,
} from './progress-store.js';
export type {
  CaptionCoverage,
  CaptionOrigin,
  CaptionPublish,
  CaptionStore,
  CaptionTrack,
  NewCaptionTrack,
} from './caption-store.js';
export { openDuckDbCatalogStore, type DuckDbCatalogStoreOptions } from './duckdb-catalog-store.js';
export { newId, type IdPrefix } from './ids.js';
export { CATALOG_MIGRATIONS, migrationLabel, type Migration } from './migrations.js';
export type {
  LiveLecture,
  LivePatch,
  LiveRunRecord,
  LiveState,
  LiveStore,
  NewLiveLecture,
} from './live-store.js';
