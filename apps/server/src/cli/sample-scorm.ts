// A sample SCORM package, generated (never downloaded): the demo's interactive module and the tests' package.
// Shaped like an authoring tool's export: a manifest, a launch page that finds the LMS API the standard way (its
// own window first, then its parents), a script, a style sheet and an image.
import yazl from 'yazl';

/** Which SCORM edition a sample package is. */
export type SampleScormVersion = '1.2' | '2004';

// What differs between the editions' manifests: the root's namespaces, the schema version, and the spelling of
// the SCO attribute (`scormtype` in 1.2, `scormType` in 2004).
const EDITIONS: Record<
  SampleScormVersion,
  { id: string; namespaces: string; schema: string; scoAttr: string }
> = {
  '1.2': {
    id: 'com.example.sample12',
    namespaces: `xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"`,
    schema: '1.2',
    scoAttr: 'adlcp:scormtype',
  },
  '2004': {
    id: 'com.example.sample2004',
    namespaces: `xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
  xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
  xmlns:imsss="http://www.imsglobal.org/xsd/imsss"`,
    schema: '2004 4th Edition',
    scoAttr: 'adlcp:scormType',
  },
};

function manifest(version: SampleScormVersion, launch: string): string {
  const e = EDITIONS[version];
  return `<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="${e.id}" version="1"
  ${e.namespaces}>
  <metadata><schema>ADL SCORM</schema><schemaversion>${e.schema}</schemaversion></metadata>
  <organizations default="org1">
    <organization identifier="org1">
      <title>Safety basics (SCORM ${version})</title>
      <item identifier="item1" identifierref="res1"><title>Lesson 1</title></item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="res1" type="webcontent" ${e.scoAttr}="sco" href="${launch}">
      <file href="${launch}"/><file href="css/lesson.css"/><file href="js/lesson.js"/><file href="img/dot.png"/>
    </resource>
  </resources>
</manifest>`;
}

const LAUNCH_HTML = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Lesson 1</title>
  <link rel="stylesheet" href="../css/lesson.css">
  <script src="../js/lesson.js"></script>
</head>
<body>
  <h1>Lesson 1</h1>
  <img id="dot" src="../img/dot.png" alt="">
  <p>This sample module talks to the course platform through the SCORM runtime API: it reports that it
  started, your progress and score, and that you finished. coursecast records each of those calls.</p>
  <p id="api">looking for the LMS…</p>
  <button id="finish" type="button">Finish the lesson</button>
</body>
</html>`;

// What an authoring tool's SCO does: find the API (own window, then parents, guarded: a cross-origin parent
// throws), initialize on load, record progress, commit and finish on the learner's click.
const LESSON_JS = (version: SampleScormVersion) => `(function () {
  function find(win) {
    for (var i = 0; win && i < 10; i++) {
      try {
        if (win.${version === '1.2' ? 'API' : 'API_1484_11'}) return win.${version === '1.2' ? 'API' : 'API_1484_11'};
      } catch (e) { return null; }
      if (!win.parent || win.parent === win) break;
      win = win.parent;
    }
    return null;
  }
  var api = find(window);
  window.lessonLog = [];
  function call(name) {
    var args = Array.prototype.slice.call(arguments, 1);
    var result = api[name].apply(api, args);
    window.lessonLog.push(name + '=' + result);
    return result;
  }
  window.addEventListener('load', function () {
    document.getElementById('api').textContent = api ? 'LMS API found' : 'no LMS API';
    if (!api) return;
    ${
      version === '1.2'
        ? `call('LMSInitialize', '');
    call('LMSSetValue', 'cmi.core.lesson_status', 'incomplete');
    call('LMSSetValue', 'cmi.core.lesson_location', 'page-1');`
        : `call('Initialize', '');
    call('SetValue', 'cmi.completion_status', 'incomplete');
    call('SetValue', 'cmi.location', 'page-1');`
    }
    document.getElementById('finish').addEventListener('click', function () {
      ${
        version === '1.2'
          ? `call('LMSSetValue', 'cmi.core.score.raw', '85');
      call('LMSSetValue', 'cmi.core.score.min', '0');
      call('LMSSetValue', 'cmi.core.score.max', '100');
      call('LMSSetValue', 'cmi.core.lesson_status', 'passed');
      call('LMSSetValue', 'cmi.core.session_time', '0000:01:05.50');
      call('LMSCommit', '');
      call('LMSFinish', '');`
          : `call('SetValue', 'cmi.score.scaled', '0.85');
      call('SetValue', 'cmi.completion_status', 'completed');
      call('SetValue', 'cmi.success_status', 'passed');
      call('SetValue', 'cmi.session_time', 'PT1M5.5S');
      call('Commit', '');
      call('Terminate', '');`
      }
      document.getElementById('api').textContent = 'finished';
    });
  });
})();
`;

// A 1×1 PNG (signature, IHDR, IDAT, IEND with their CRCs).
const DOT_PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);

/** One file of a package. */
export interface PackageFile {
  path: string;
  data: string | Buffer;
}

/** The files of a sample SCORM package, launch file at `content/lesson.html`; `overrides` replace or add files. */
export function scormFiles(
  version: SampleScormVersion,
  overrides: Record<string, string | Buffer> = {},
): PackageFile[] {
  const launch = 'content/lesson.html';
  const files: Record<string, string | Buffer> = {
    'imsmanifest.xml': manifest(version, launch),
    [launch]: LAUNCH_HTML,
    'css/lesson.css': 'body { font-family: sans-serif; } #dot { width: 8px; }\n',
    'js/lesson.js': LESSON_JS(version),
    'img/dot.png': DOT_PNG,
    ...overrides,
  };
  return Object.entries(files).map(([path, data]) => ({ path, data }));
}

/** Files as a zip (deflated), in the given order. */
export async function zipFiles(files: readonly PackageFile[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const mtime = new Date('2026-01-01T00:00:00Z');
  for (const f of files) zip.addBuffer(Buffer.from(f.data), f.path, { mtime });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** A SCORM 1.2 or 2004 package as a zip. */
export function scormPackage(
  version: SampleScormVersion,
  overrides: Record<string, string | Buffer> = {},
): Promise<Buffer> {
  return zipFiles(scormFiles(version, overrides));
}
