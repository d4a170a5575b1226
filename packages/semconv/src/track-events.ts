// The caption and audio-track event of a view (issue 20), sent by the SDK's tracks entry only: its names live in
// their own module so the core SDK's bundle, which takes playback-events.ts whole, is not a byte heavier.

/**
 * A view's caption and audio-track use so far (the SDK's tracks entry): cumulative time played with captions
 * showing, the caption and audio languages now, the switches. Sent on each switch, every 30 s while playing and when
 * the page goes away; the latest of a view is its figure. Apart from PLAYBACK_EVENTS (and its module), which
 * the core SDK carries whole: the core never sends this one.
 */
export const TRACK_USAGE_EVENT = 'content.track_usage';

/**
 * The tracks entry numbers its events of a view from here: the core SDK numbers its own from 0, and a view would
 * need nine million events to reach it, so (view id, seq) stays unique without the two sharing a counter.
 */
export const TRACK_USAGE_SEQ_BASE = 9_000_000;
/** `content.captions.language` when captions are off. */
export const CAPTIONS_OFF = 'off';
/** Time played with captions showing in the view so far, ms. */
export const ATTR_CAPTIONS_ON_MS = 'content.captions.on_ms';
/** The language (BCP 47) of the captions showing, or `off`. */
export const ATTR_CAPTIONS_LANGUAGE = 'content.captions.language';
/** The language (BCP 47) of the audio track playing, when the lecture has more than one. */
export const ATTR_AUDIO_LANGUAGE = 'content.audio.language';
/** Caption and audio-track switches in the view so far. */
export const ATTR_TRACK_SWITCHES = 'content.track.switches';
