// The launch frame's page on the content origin (ADR 0010): the launch's facts in a JSON block the launch
// script reads, and a policy that lets it run only its own script, frame only its own origin's package, and
// be framed only by the app's origins.
import type { LaunchActivity } from '@coursecast/api';
import { PACKAGE_TYPES, type PackageType } from '@coursecast/semconv';

/** Where the launch frame's script is served on the content origin. */
export const LAUNCH_SCRIPT_PATH = '/launch/launch-frame.js';

/** What the page carries (LaunchConfig of the player SDK's launch frame). */
export interface LaunchPageInput {
  packageType: PackageType;
  /** The package's launch document, a path on the content origin. */
  launchUrl: string;
  title: string;
  appOrigin: string;
  timeoutMs: number;
  /** CMI values the runtime starts with (the manifest's launch data). */
  initial: Readonly<Record<string, string>>;
  /** The organization of a multi-SCO package (LaunchConfig.organization), null otherwise. */
  organization: LaunchActivity | null;
}

// The package frame fills the page; a multi-SCO course adds a bar (Previous, Continue, status) and its contents.
// System colours and fonts, 4.5:1 contrast and a visible focus ring (WCAG 2.1 AA).
const LAUNCH_STYLE = [
  'html,body{margin:0;height:100%;overflow:hidden;font:16px/1.4 system-ui,sans-serif;color:#1b1b1b;background:#fff}',
  'iframe{border:0;width:100%;height:100%;display:block}',
  '[hidden]{display:none!important}',
  '.course{display:flex;flex-direction:column;height:100%}',
  '.course-bar{display:flex;gap:.5rem;align-items:center;padding:.4rem .6rem;border-bottom:1px solid #767676;background:#f3f3f3}',
  '.course-bar button,.course-toc button{font:inherit;padding:.3rem .8rem;border:1px solid #555;border-radius:4px;background:#fff;color:#1b1b1b;cursor:pointer}',
  '.course-toc button{padding:.15rem .4rem;border-color:transparent;text-align:left}',
  'button:disabled{color:#595959;border-color:#b0b0b0;cursor:not-allowed}',
  'button:focus-visible,.course-message:focus-visible{outline:3px solid #0b57d0;outline-offset:2px}',
  '.course-status{margin:0 0 0 auto}',
  '.course-main{display:flex;flex:1;min-height:0}',
  '.course-toc{width:17rem;overflow:auto;border-right:1px solid #767676;padding:.5rem}',
  '.course-toc ol{list-style:none;margin:0;padding-left:.9rem}',
  '.course-toc>ol{padding-left:0}',
  '.course-toc li{margin:.2rem 0}',
  '[aria-current=step]{font-weight:700;border-color:#0b57d0!important}',
  '.course-badge{font-size:.85rem;color:#4a4a4a}',
  '.course-stage{flex:1;min-width:0;position:relative}',
  '.course-message{padding:2rem;font-size:1.1rem}',
].join('');

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page's HTML. The JSON block escapes `<`, so no value can close the script element. */
export function renderLaunchPage(input: LaunchPageInput): string {
  const scormVersion =
    input.packageType === PACKAGE_TYPES.scorm12
      ? '1.2'
      : input.packageType === PACKAGE_TYPES.scorm2004
        ? '2004'
        : null;
  const config = JSON.stringify({
    scormVersion,
    launchUrl: input.launchUrl,
    title: input.title,
    appOrigin: input.appOrigin,
    timeoutMs: input.timeoutMs,
    initial: input.initial,
    ...(input.organization ? { organization: input.organization } : {}),
  }).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(input.title)}</title>
<style>${LAUNCH_STYLE}</style>
<script type="application/json" id="coursecast-launch">${config}</script>
<script src="${LAUNCH_SCRIPT_PATH}" defer></script>
</head>
<body></body>
</html>
`;
}

/** The launch page's policy: framed by the app's origins only; runs its own script only. */
export function launchPageCsp(appOrigins: readonly string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    // The learner's attempt is read and kept on this origin (/launch/:itemId/cmi).
    "connect-src 'self'",
    "style-src 'unsafe-inline'",
    "frame-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${appOrigins.join(' ')}`,
  ].join('; ');
}
