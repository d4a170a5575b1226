// Packages shaped like real authoring tools' exports, for the Chromium e2e test of the SCORM launch: how they
// find the LMS (parent first, no try/catch), framesets whose frames script each other, workers, CDN assets,
// multi-SCO 2004 sequencing, and content that never initializes, crashes, or probes the host. Generated as
// file lists (zip them with zipFiles); the scripts live in authoring-scripts.ts, the manifests in
// authoring-manifests.ts.
import type { PackageFile } from '../src/cli/sample-scorm.js';
import {
  buildManifest,
  CHOICE_AND_FLOW_SEQUENCING,
  CONTENT_SCO_SEQUENCING,
  FLOW_ONLY_SEQUENCING,
  POST_TEST_SEQUENCING,
  xmlText,
  type ManifestSco,
} from './authoring-manifests.js';
import {
  API_WRAPPER_JS,
  CONTENT_FRAME_JS,
  CRASHING_JS,
  DRIVER_JS,
  EXTERNAL_COURSE_JS,
  HOSTILE_JS,
  MULTI_SCO_JS,
  NEVER_INITIALIZES_JS,
  parentFirstCourseJs,
  WORKER_COURSE_JS,
  WORKER_JS,
  type AuthoringScormVersion,
} from './authoring-scripts.js';
import { EXTERNAL_FONT_FAMILY } from './authoring-external-assets.js';

export type { AuthoringScormVersion } from './authoring-scripts.js';
export {
  EXTERNAL_FONT_FAMILY,
  externalAssetFiles,
  findSystemFont,
  type ExternalAsset,
} from './authoring-external-assets.js';

interface PageSpec {
  title: string;
  heading: string;
  text: string;
  /** Extra `<head>` markup (stylesheets, CDN scripts). */
  head?: string;
  scripts?: readonly string[];
  bodyAttributes?: string;
}

// What every export's launch page has: doctype, charset, title, and visible text so the frame paints.
function htmlPage(p: PageSpec): string {
  const scripts = (p.scripts ?? []).map((s) => `\n  <script src="${xmlText(s)}"></script>`).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${xmlText(p.title)}</title>${p.head ? `\n  ${p.head}` : ''}${scripts}
</head>
<body${p.bodyAttributes ? ` ${p.bodyAttributes}` : ''}>
  <h1>${xmlText(p.heading)}</h1>
  <p>${xmlText(p.text)}</p>
</body>
</html>
`;
}

function asFiles(files: Record<string, string | Buffer>): PackageFile[] {
  return Object.entries(files).map(([p, data]) => ({ path: p, data }));
}

/** A single-SCO package at the root: index.html loading the wrapper and a course script. */
function singleSco(opts: {
  version: AuthoringScormVersion;
  identifier: string;
  title: string;
  courseJs: string;
  extraFiles?: Record<string, string>;
  head?: string;
  defaultOrganization?: string;
  organizationId?: string;
}): PackageFile[] {
  const extra = opts.extraFiles ?? {};
  const scoFiles = ['index.html', 'scripts/apiwrapper.js', 'scripts/course.js', ...Object.keys(extra)];
  const manifest = buildManifest({
    version: opts.version,
    identifier: opts.identifier,
    title: opts.title,
    organizationId: opts.organizationId,
    defaultOrganization: opts.defaultOrganization,
    scos: [{ id: 'sco_1', title: opts.title, href: 'index.html', files: scoFiles }],
  });
  return asFiles({
    'imsmanifest.xml': manifest,
    'index.html': htmlPage({
      title: opts.title,
      heading: opts.title,
      text: 'This lesson reports your progress to the course platform.',
      head: opts.head,
      scripts: ['scripts/apiwrapper.js', 'scripts/course.js'],
    }),
    'scripts/apiwrapper.js': API_WRAPPER_JS,
    'scripts/course.js': opts.courseJs,
    ...extra,
  });
}

/**
 * #1: a SCO that finds the API as Rustici's GetAPI / pipwerks do (parent first, then top.opener) and runs a
 * whole session on DOMContentLoaded. Launch `index.html`; log in its `window.lessonLog`, then `lessonDone`.
 */
export function parentFirstPackage(version: AuthoringScormVersion): PackageFile[] {
  return singleSco({
    version,
    identifier: `com.example.authoring.parentfirst${version === '1.2' ? '12' : '2004'}`,
    title: `Parent-first discovery (SCORM ${version})`,
    courseJs: parentFirstCourseJs(version),
  });
}

/**
 * #2: a Rustici SCORM Driver export (Storyline, Rise), SCORM 1.2. Launch `scormdriver/indexAPI.html`, a
 * frameset of `content` (scormcontent/index.html) and the hidden `driver` (scormdriver/driver.html); the
 * content calls the driver's functions, the driver alone talks to the LMS. Log in the driver frame.
 */
export function framesetDriverPackage(): PackageFile[] {
  const title = 'Storyline-style course (SCORM Driver)';
  const files = [
    'scormdriver/indexAPI.html',
    'scormdriver/driver.html',
    'scormdriver/driver.js',
    'scormcontent/index.html',
    'scormcontent/lib/main.js',
  ];
  return asFiles({
    'imsmanifest.xml': buildManifest({
      version: '1.2',
      identifier: 'com.example.authoring.scormdriver',
      title,
      scos: [{ id: 'sco_1', title, href: 'scormdriver/indexAPI.html', files }],
    }),
    // As the SCORM Driver ships it: an HTML 4.01 Frameset document, no <body>.
    'scormdriver/indexAPI.html': `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Frameset//EN" "http://www.w3.org/TR/html4/frameset.dtd">
<html>
<head>
  <meta charset="utf-8">
  <title>${xmlText(title)}</title>
</head>
<frameset rows="*,0" frameborder="0" border="0" framespacing="0">
  <frame name="content" src="../scormcontent/index.html" scrolling="auto">
  <frame name="driver" src="driver.html" scrolling="no" noresize>
  <noframes><body><p>This course needs frames.</p></body></noframes>
</frameset>
</html>
`,
    'scormdriver/driver.html': htmlPage({
      title: 'SCORM Driver',
      heading: 'SCORM Driver',
      text: 'Communicates with the LMS.',
      scripts: ['driver.js'],
    }),
    'scormdriver/driver.js': DRIVER_JS,
    'scormcontent/index.html': htmlPage({
      title,
      heading: title,
      text: 'Slide 1 of 1: the quiz result is sent through the SCORM Driver.',
      scripts: ['lib/main.js'],
    }),
    'scormcontent/lib/main.js': CONTENT_FRAME_JS,
  });
}

/**
 * #3: SCORM 1.2 whose SCO first asks a dedicated worker (`worker.js`) to double 21, and only on its answer
 * runs the session (suspend_data `worker:42`). `window.workerAnswer` holds the answer.
 */
export function workerPackage(): PackageFile[] {
  return singleSco({
    version: '1.2',
    identifier: 'com.example.authoring.worker',
    title: 'HTML5 course with a worker',
    courseJs: WORKER_COURSE_JS,
    extraFiles: { 'worker.js': WORKER_JS },
  });
}

/**
 * #4: SCORM 2004 SCO using a CDN script and a web font from `externalOrigin` (serve `externalAssetFiles`
 * there). Records `window.fontLoaded`, `window.fontFaces`; initializes only if the CDN script ran.
 */
export function externalAssetsPackage(externalOrigin: string): PackageFile[] {
  if (new URL(externalOrigin).origin !== externalOrigin) {
    throw new Error(`externalOrigin must be an origin like http://127.0.0.1:8080, got ${externalOrigin}`);
  }
  const origin = xmlText(externalOrigin);
  return singleSco({
    version: '2004',
    identifier: 'com.example.authoring.external',
    title: 'Course with CDN assets',
    courseJs: EXTERNAL_COURSE_JS,
    head: `<link rel="stylesheet" href="${origin}/fonts/font.css">
  <script src="${origin}/lib/jquery-like.js"></script>
  <style>h1, p { font-family: '${EXTERNAL_FONT_FAMILY}', serif; }</style>`,
  });
}

/** A multi-SCO package (2004 unless said): SCO `i` at `<dir>/index.html`, all loading shared/apiwrapper.js and shared/sco.js. */
function multiSco(opts: {
  version?: AuthoringScormVersion;
  identifier: string;
  title: string;
  organizationSequencing?: string;
  scos: readonly { dir: string; title: string; role: string; nav: string; sequencing?: string }[];
}): PackageFile[] {
  const shared = ['shared/apiwrapper.js', 'shared/sco.js'];
  const files: Record<string, string> = {};
  const scos: ManifestSco[] = opts.scos.map((s) => {
    const href = `${s.dir}/index.html`;
    files[href] = htmlPage({
      title: s.title,
      heading: s.title,
      text: `${opts.title}: ${s.title}.`,
      scripts: shared.map((f) => `../${f}`),
      bodyAttributes: `data-sco="${xmlText(s.dir)}" data-role="${s.role}" data-nav="${s.nav}" data-version="${opts.version ?? '2004'}"`,
    });
    return { id: s.dir.replace(/-/g, '_'), title: s.title, href, files: [href], sequencing: s.sequencing };
  });
  return asFiles({
    'imsmanifest.xml': buildManifest({
      version: opts.version ?? '2004',
      identifier: opts.identifier,
      title: opts.title,
      scos,
      sharedFiles: shared,
      organizationSequencing: opts.organizationSequencing,
    }),
    ...files,
    'shared/apiwrapper.js': API_WRAPPER_JS,
    'shared/sco.js': MULTI_SCO_JS,
  });
}

/**
 * #5: SCORM 2004 flow-only course (choice="false" flow="true" on the root): `scoCount` SCOs `sco-N/index.html`,
 * each completing, setting cmi.location to its id and requesting `continue` (the last: `exitAll`).
 * Each SCO's window has `scoId`, `lessonLog`, `lessonDone`.
 */
export function flowOnlyPackage(scoCount = 18): PackageFile[] {
  if (!Number.isInteger(scoCount) || scoCount < 1) throw new Error(`scoCount must be >= 1, got ${scoCount}`);
  return multiSco({
    identifier: 'com.example.authoring.flowonly',
    title: 'Flow-only course',
    organizationSequencing: FLOW_ONLY_SEQUENCING,
    scos: Array.from({ length: scoCount }, (_, i) => ({
      dir: `sco-${i + 1}`,
      title: `Lesson ${i + 1}`,
      role: 'flow',
      nav: i + 1 === scoCount ? 'exitAll' : 'continue',
    })),
  });
}

/**
 * #6: SCORM 2004 like ADL's golf "post test rollup": content-1..3 complete but don't count toward
 * satisfaction; `posttest` (score 0.9, passed) alone decides it. Each requests `continue`, the test `exitAll`.
 */
export function postTestRollupPackage(): PackageFile[] {
  const content = [1, 2, 3].map((n) => ({
    dir: `content-${n}`,
    title: `Topic ${n}`,
    role: 'content',
    nav: 'continue',
    sequencing: CONTENT_SCO_SEQUENCING,
  }));
  return multiSco({
    identifier: 'com.example.authoring.posttestrollup',
    title: 'Golf Explained - Post Test Rollup',
    organizationSequencing: CHOICE_AND_FLOW_SEQUENCING,
    scos: [
      ...content,
      { dir: 'posttest', title: 'Post test', role: 'test', nav: 'exitAll', sequencing: POST_TEST_SEQUENCING },
    ],
  });
}

/** #12: SCORM 2004, choice and flow: `scoCount` SCOs that complete and terminate only as the learner leaves. */
export function choiceCoursePackage(scoCount = 4): PackageFile[] {
  return multiSco({
    identifier: 'com.example.authoring.choice',
    title: 'Course to browse',
    organizationSequencing: CHOICE_AND_FLOW_SEQUENCING,
    scos: staying(scoCount, 'sco', 'Chapter'),
  });
}

/** `n` SCOs `<dir>-i` titled `<title> i` that stay open until the learner leaves, requesting nothing. */
function staying(n: number, dir: string, title: string) {
  return Array.from({ length: n }, (_, i) => ({
    dir: `${dir}-${i + 1}`,
    title: `${title} ${i + 1}`,
    role: 'stay',
    nav: '_none_',
  }));
}

/**
 * #14: SCORM 2004, choice and flow: `sco-1` suspends the course on its first visit (suspend data `page=4`,
 * `suspendAll`) and on the next reads it back into `window.resumedWith`; `sco-2` stays open.
 */
export function suspendCoursePackage(): PackageFile[] {
  return multiSco({
    identifier: 'com.example.authoring.suspend',
    title: 'Course to suspend',
    organizationSequencing: CHOICE_AND_FLOW_SEQUENCING,
    scos: [
      { dir: 'sco-1', title: 'Long lesson', role: 'suspend', nav: '_none_' },
      { dir: 'sco-2', title: 'Next lesson', role: 'stay', nav: '_none_' },
    ],
  });
}

/** #13: SCORM 1.2 with `scoCount` SCOs (1.2 has no sequencing: the learner flows and chooses), each staying open. */
export function scorm12CoursePackage(scoCount = 3): PackageFile[] {
  return multiSco({
    version: '1.2',
    identifier: 'com.example.authoring.scorm12course',
    title: 'SCORM 1.2 course',
    scos: staying(scoCount, 'lesson', 'Lesson'),
  });
}

/** #7: SCORM 1.2 that finds the API (`window.apiSeen = true`) but never calls LMSInitialize. */
export function neverInitializesPackage(): PackageFile[] {
  return singleSco({
    version: '1.2',
    identifier: 'com.example.authoring.neverinit',
    title: 'Course that never starts',
    courseJs: NEVER_INITIALIZES_JS,
  });
}

/** #8: SCORM 1.2 that never looks for an API and throws `authoring runtime crashed` after load. */
export function noApiLookupPackage(): PackageFile[] {
  const title = 'Course whose runtime crashes';
  return asFiles({
    'imsmanifest.xml': buildManifest({
      version: '1.2',
      identifier: 'com.example.authoring.crash',
      title,
      scos: [{ id: 'sco_1', title, href: 'index.html', files: ['index.html', 'scripts/runtime.js'] }],
    }),
    'index.html': htmlPage({
      title,
      heading: title,
      text: 'Loading the course runtime…',
      scripts: ['scripts/runtime.js'],
    }),
    'scripts/runtime.js': CRASHING_JS,
  });
}

/** #9: #1 in SCORM 1.2 whose `<organizations default="missing_org">` names no organization (`org_real` exists). */
export function danglingDefaultPackage(): PackageFile[] {
  return singleSco({
    version: '1.2',
    identifier: 'com.example.authoring.danglingdefault',
    title: 'Course with a dangling default organization',
    courseJs: parentFirstCourseJs('1.2'),
    organizationId: 'org_real',
    defaultOrganization: 'missing_org',
  });
}

/**
 * #10: SCORM 1.2 that probes the host (outcomes in `window.attempts`) around a normal session: status
 * completed, raw score 50, while flooding `window.top` with forged passed/100 commits.
 */
export function hostilePackage(): PackageFile[] {
  return singleSco({
    version: '1.2',
    identifier: 'com.example.authoring.hostile',
    title: 'Course that probes its host',
    courseJs: HOSTILE_JS,
  });
}

/** #11: a plain HTML5 package, `index.html` and no manifest, with visible text. */
export function html5Package(): PackageFile[] {
  return asFiles({
    'index.html': htmlPage({
      title: 'HTML5 lesson',
      heading: 'HTML5 lesson',
      text: 'A page without SCORM: it only has to be shown.',
      head: '<link rel="stylesheet" href="style.css">',
    }),
    'style.css': 'body { font-family: sans-serif; margin: 2rem; }\nh1 { color: #1a4d8f; }\n',
  });
}
