// The launch frame's page on the content origin (ADR 0010): the launch's facts in a JSON block the launch
// script reads, and a policy that lets it run only its own script, frame only its own origin's package, and
// be framed only by the app's origins.
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
}

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
  }).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(input.title)}</title>
<style>html,body{margin:0;height:100%;overflow:hidden}iframe{border:0;width:100%;height:100%;display:block}</style>
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
    "style-src 'unsafe-inline'",
    "frame-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${appOrigins.join(' ')}`,
  ].join('; ');
}
