// The watch page opened from an LMS: the learner session of the launch names the viewer, offers to resume where
// the learner stopped, and reports what they watch (the SDK's progress entry, loaded only here), so the LMS gets
// their completion.
import type { LectureProgressResponse } from '@coursecast/api';
import { el } from '../shared/dom-builder.js';
import { requestJson } from '../shared/http-json.js';
import { learnerHeaders, sessionClaims, takeLearnerSession } from '../shared/learner-session.js';
import { formatClock } from './display-text.js';

/** A learner watching this item, from their launch. */
export interface WatchingLearner {
  session: string;
  learnerId: string;
  progressUrl: string;
}

/** The learner of this page's launch when it opened this item; null for anonymous playback. */
export function watchingLearner(itemId: string): WatchingLearner | null {
  const session = takeLearnerSession();
  const claims = session ? sessionClaims(session) : null;
  if (!session || !claims || claims.item !== itemId) return null;
  return {
    session,
    learnerId: claims.sub,
    progressUrl: `/api/learners/${claims.sub}/items/${itemId}/progress`,
  };
}

function describe(p: LectureProgressResponse): string {
  const share = `${Math.round(p.completion * 100)} % watched`;
  return p.completed ? `${share} · completed` : `${share} · ${Math.round(p.threshold * 100)} % completes it`;
}

/**
 * Shows the learner's progress in `line` and, when there is a point worth resuming, a "Resume at" offer in
 * `offer`; then tracks and reports what plays. A failure to read the progress leaves playback as it is.
 */
export async function followProgress(
  video: HTMLVideoElement,
  learner: WatchingLearner,
  line: HTMLElement,
  offer: HTMLElement,
): Promise<void> {
  const show = (p: LectureProgressResponse): void => {
    line.textContent = describe(p);
    line.hidden = false;
    line.dataset['completed'] = String(p.completed);
  };
  try {
    const p = await requestJson<LectureProgressResponse>(learner.progressUrl, {
      headers: learnerHeaders(learner.session),
    });
    show(p);
    if (p.resumeAt !== null) {
      const at = p.resumeAt;
      const resume = el(
        'button',
        { type: 'button', id: 'resume', class: 'primary' },
        `Resume at ${formatClock(at)}`,
      );
      const over = el('button', { type: 'button', id: 'start-over' }, 'Start from the beginning');
      resume.addEventListener('click', () => {
        video.currentTime = at;
        offer.hidden = true;
        void video.play();
      });
      over.addEventListener('click', () => {
        offer.hidden = true;
        void video.play();
      });
      offer.replaceChildren(el('span', {}, 'You stopped here last time.'), resume, over);
      offer.hidden = false;
      offer.dataset['resumeAt'] = String(at);
    }
  } catch {
    line.textContent = 'Your progress could not be read; it is still recorded as you watch.';
    line.hidden = false;
  }
  const { trackLectureProgress } = await import('@coursecast/player-sdk/progress');
  trackLectureProgress({ video, url: learner.progressUrl, session: learner.session, onAnswer: show });
}
