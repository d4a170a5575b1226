/**
 * File names of a transcoded ladder, relative to its output directory:
 * `master.m3u8`, `poster.jpg`, and per variant `<name>/index.m3u8`, `<name>/init.mp4`,
 * `<name>/seg_00000.m4s`... The audio rendition is the variant named `audio`.
 */
export const HLS_LAYOUT = {
  master: 'master.m3u8',
  poster: 'poster.jpg',
  variantPlaylist: 'index.m3u8',
  initSegment: 'init.mp4',
  /**
   * The init name FFmpeg 5.1 is given when there are several variants: it would otherwise append
   * `_<n>` itself (with one variant it keeps the name verbatim, `%v` included). Renamed to
   * `init.mp4` once FFmpeg is done.
   */
  ffmpegInitSegment: 'init_%v.mp4',
  segmentPattern: 'seg_%05d.m4s',
  audioName: 'audio',
  audioGroupId: 'audio',
} as const;

/** `<name>/index.m3u8`, relative to the output directory. */
export function variantPlaylistPath(name: string): string {
  return `${name}/${HLS_LAYOUT.variantPlaylist}`;
}
