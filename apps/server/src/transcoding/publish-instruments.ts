import type { Meter } from '@opentelemetry/api';
import {
  ATTR_PUBLISH_STAGE,
  ATTR_SOURCE_DURATION_BUCKET,
  METRIC_CONTENT_PUBLISH_DURATION,
  PUBLISH_STAGES,
  sourceDurationBucket,
  type PublishStage,
} from '@coursecast/semconv';
import { createHistogram } from '../instrumentation/instruments.js';

/** Publish time of uploaded lectures (`content.publish.duration`), by stage and source duration class. */
export interface PublishInstruments {
  /** The upload's last byte → its item committed (playable just in time). */
  playable(sourceSeconds: number | null, seconds: number): void;
  /** The upload's last byte → its first ladder published. */
  ladderReady(sourceSeconds: number | null, seconds: number): void;
}

/** Creates the publish-time histogram on a meter (the upload routes and the transcode runner share it). */
export function createPublishInstruments(meter: Meter): PublishInstruments {
  const histogram = createHistogram(meter, METRIC_CONTENT_PUBLISH_DURATION);
  const record = (stage: PublishStage, sourceSeconds: number | null, seconds: number): void => {
    if (!Number.isFinite(seconds) || seconds < 0) return;
    histogram.record(seconds, {
      [ATTR_PUBLISH_STAGE]: stage,
      [ATTR_SOURCE_DURATION_BUCKET]: sourceDurationBucket(sourceSeconds),
    });
  };
  return {
    playable: (source, seconds) => record(PUBLISH_STAGES.playable, source, seconds),
    ladderReady: (source, seconds) => record(PUBLISH_STAGES.ladderReady, source, seconds),
  };
}
