import { describe, expect, it } from 'vitest';
import { MAX_MANIFEST_BYTES, parseScormManifest } from './scorm-manifest.js';
import {
  rejection,
  SCORM_12,
  SCORM_2004,
  manifest2004,
  withLaunchHref,
} from '../../../test-support/scorm-manifest-fixtures.js';

describe('parseScormManifest: real-world shapes', () => {
  it('reads a SCORM 1.2 manifest with adlcp:scormtype, LOM metadata and xml:base', () => {
    const m = parseScormManifest(SCORM_12);
    expect(m.type).toBe('scorm_12');
    expect(m.title).toBe('Golf Explained & Illustrated');
    expect(m.launch).toBe('content/playing/Playing.html');
    expect(m.launchParameters).toBeNull();
    expect(m.resources).toEqual([
      {
        identifier: 'res_playing',
        href: 'content/playing/Playing.html',
        scormType: 'sco',
        files: ['content/playing/Playing.html', 'content/playing/playing.css'],
      },
      {
        identifier: 'res_etiquette',
        href: 'content/etiquette/Course.html',
        scormType: 'sco',
        files: ['content/etiquette/Course.html'],
      },
      { identifier: 'common', href: null, scormType: 'asset', files: ['content/shared/scormfunctions.js'] },
    ]);
  });

  it('reads a SCORM 2004 4th Edition manifest with imsss/adlseq/adlnav elements', () => {
    const m = parseScormManifest(SCORM_2004);
    expect(m.type).toBe('scorm_2004');
    expect(m.title).toBe('Golf Explained - Sequencing Forced Sequential');
    // The first item with an identifierref, depth first: module_1 is a cluster without one.
    expect(m.launch).toBe('shared/launchpage.html');
    expect(m.launchParameters).toBe('?content=playing&lesson=1#page1');
    expect(m.resources.map((r) => [r.identifier, r.scormType])).toEqual([
      ['playing_resource', 'sco'],
      ['test_resource', 'sco'],
      ['common_files', 'asset'],
    ]);
    expect(m.resources[1]?.files).toEqual([]);
  });

  it('reads a manifest in a default namespace with no prefixes at all', () => {
    const xml = `<?xml version="1.0"?>
<manifest identifier="m" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1">
  <metadata><schemaversion>CAM 1.3</schemaversion></metadata>
  <organizations default="o"><organization identifier="o"><title>Plain</title>
    <item identifier="i" identifierref="r"><title>Only item</title></item></organization></organizations>
  <resources><resource identifier="r" type="webcontent" scormType="sco" href="index.html"/></resources>
</manifest>`;
    expect(parseScormManifest(xml)).toMatchObject({
      type: 'scorm_2004',
      title: 'Plain',
      launch: 'index.html',
    });
  });

  it('reads a manifest whose every element carries an imscp: prefix', () => {
    const xml = `<imscp:manifest identifier="m" xmlns:imscp="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
        xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <imscp:organizations default="o"><imscp:organization identifier="o"><imscp:title>Prefixed</imscp:title>
    <imscp:item identifier="i" identifierref="r"/></imscp:organization></imscp:organizations>
  <imscp:resources><imscp:resource identifier="r" adlcp:scormtype="SCO" href="a.html"><imscp:file href="a.html"/></imscp:resource></imscp:resources>
</imscp:manifest>`;
    const m = parseScormManifest(xml);
    expect(m).toMatchObject({ type: 'scorm_12', title: 'Prefixed', launch: 'a.html' });
    expect(m.resources).toEqual([{ identifier: 'r', href: 'a.html', scormType: 'sco', files: ['a.html'] }]);
  });

  it('launches the organization `default` names, not the first one', () => {
    const xml = manifest2004(
      `<organizations default="second">
        <organization identifier="first"><title>First</title><item identifier="a" identifierref="ra"/></organization>
        <organization identifier="second"><title>Second</title><item identifier="b" identifierref="rb"/></organization>
      </organizations>`,
      '<resource identifier="ra" href="a/index.html"/><resource identifier="rb" href="b/index.html"/>',
    );
    expect(parseScormManifest(xml)).toMatchObject({ title: 'Second', launch: 'b/index.html' });
  });

  it('launches the first organization when there is no default', () => {
    const xml = manifest2004(
      `<organizations>
        <organization identifier="first"><item identifier="a" identifierref="ra"><title>Item A</title></item></organization>
        <organization identifier="second"><item identifier="b" identifierref="rb"/></organization>
      </organizations>`,
      '<resource identifier="ra" href="a.html"/><resource identifier="rb" href="b.html"/>',
    );
    // No organization title: the launched item's title stands in.
    expect(parseScormManifest(xml)).toMatchObject({ title: 'Item A', launch: 'a.html' });
  });

  it('falls back to the LOM title, then to null', () => {
    const lom = SCORM_12.replace('<title>Golf Explained &amp; Illustrated</title>', '').replace(
      '<title>Playing the Game</title>',
      '',
    );
    expect(parseScormManifest(lom).title).toBe('Golf (LOM title)');
    expect(parseScormManifest(lom.replace(/<imsmd:lom>[\s\S]*<\/imsmd:lom>/, '')).title).toBeNull();
  });

  it('decodes character references and the XML entities in text and attributes', () => {
    const xml = manifest2004(
      '<organizations><organization identifier="o"><title>Cours d&#233;butant &lt;1&gt; &#x2013; &quot;A&quot;</title><item identifier="i" identifierref="r"/></organization></organizations>',
      '<resource identifier="r" href="a.html?x=1&amp;y=2"/>',
    );
    const m = parseScormManifest(xml);
    expect(m.title).toBe('Cours débutant <1> – "A"');
    expect(m.launchParameters).toBe('?x=1&y=2');
  });

  it('tolerates a byte order mark and a DOCTYPE without entity declarations', () => {
    const xml = `\ufeff<?xml version="1.0"?>\n<!DOCTYPE manifest SYSTEM "imscp.dtd">\n${withLaunchHref('a.html')}`;
    expect(parseScormManifest(xml).launch).toBe('a.html');
  });
});

describe('parseScormManifest: version detection', () => {
  const body = `<organizations><organization identifier="o"><item identifier="i" identifierref="r"/></organization></organizations>
    <resources><resource identifier="r" href="a.html"/></resources>`;

  it.each([
    ['xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"', 'scorm_12'],
    ['xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"', 'scorm_2004'],
    [
      "xmlns:adlcp='http://www.adlnet.org/xsd/adlcp_v1p3' xmlns:imsss='http://www.imsglobal.org/xsd/imsss'",
      'scorm_2004',
    ],
  ])('without <schemaversion>, %s means %s', (declaration, type) => {
    const xml = `<manifest identifier="m" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" ${declaration}>${body}</manifest>`;
    expect(parseScormManifest(xml).type).toBe(type);
  });

  it.each(['1.2', '2004 3rd Edition', '2004 4th Edition', 'CAM 1.3', 'SCORM 1.2', 'SCORM 2004 4th Edition'])(
    'reads <schemaversion>%s</schemaversion>',
    (v) => {
      const xml = `<manifest identifier="m"><metadata><schemaversion>${v}</schemaversion></metadata>${body}</manifest>`;
      expect(parseScormManifest(xml).type).toBe(v.endsWith('1.2') ? 'scorm_12' : 'scorm_2004');
    },
  );

  it('reads a SCORM 1.2 manifest that declares extra namespaces (metadata, schema locations, a vendor)', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="golf" version="1.0" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2" xmlns:imsmd="http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:vendor="urn:example:authoring-tool"
  xsi:schemaLocation="http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion>
    <imsmd:lom><imsmd:general><imsmd:title><imsmd:langstring>Golf</imsmd:langstring></imsmd:title></imsmd:general></imsmd:lom>
  </metadata>
  <organizations default="o"><organization identifier="o" vendor:theme="dark"><title>Golf Explained</title>
    <item identifier="i" identifierref="r" isvisible="true"><title>Play</title><adlcp:masteryscore>80</adlcp:masteryscore></item>
  </organization></organizations>
  <resources><resource identifier="r" type="webcontent" adlcp:scormtype="sco" href="shared/launchpage.html?content=playing">
    <file href="shared/launchpage.html"/><vendor:extra/></resource></resources>
</manifest>`;
    const m = parseScormManifest(xml);
    expect(m).toMatchObject({ type: 'scorm_12', title: 'Golf Explained', launch: 'shared/launchpage.html' });
    expect(m.launchParameters).toBe('?content=playing');
    expect(m.warnings).toEqual([]);
  });

  it('refuses to guess when neither the schema version nor the namespaces tell', () => {
    const xml = `<manifest identifier="m" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1">${body}</manifest>`;
    const err = rejection(() => parseScormManifest(xml));
    expect(err.reason).toBe('invalid_manifest');
    expect(err.message).toMatch(/cannot tell SCORM 1\.2 from 2004/);
  });
});

describe('parseScormManifest: rejections', () => {
  it('reports malformed XML with its line and column', () => {
    const xml = `<?xml version="1.0"?>
<manifest identifier="m">
  <organizations>
    <organization identifier="o">
      <title>Broken
    </organization>
  </organizations>
</manifest>`;
    const err = rejection(() => parseScormManifest(xml));
    expect(err.reason).toBe('invalid_manifest');
    expect(err.message).toMatch(/^malformed XML at line 6, column \d+: Expected closing tag 'title'/);
  });

  it('reports elements left open at the end of the input with the line where it ends', () => {
    const err = rejection(() => parseScormManifest('<manifest>\n  <organizations>\n  <resources/>\n'));
    expect(err.message).toBe(
      'malformed XML at line 4, column 1: input ends with <manifest>, <organizations> still open',
    );
    expect(rejection(() => parseScormManifest('<manifest>\n<a/>')).message).toMatch(
      /line 1.*Unclosed tag 'manifest'/,
    );
  });

  it('refuses DOCTYPE entity declarations (billion laughs, XXE)', () => {
    const laughs = `<?xml version="1.0"?>
<!DOCTYPE manifest [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<manifest><organizations><organization identifier="o"><title>&lol3;</title></organization></organizations></manifest>`;
    const xxe = `<!DOCTYPE manifest [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<manifest>&xxe;</manifest>`;
    for (const xml of [laughs, xxe]) {
      const err = rejection(() => parseScormManifest(xml));
      expect(err.reason).toBe('invalid_manifest');
      expect(err.message).toMatch(/DOCTYPE entities are not allowed/);
    }
  });

  it('refuses a manifest over 1 MiB', () => {
    const big = withLaunchHref('a.html').replace(
      '<resources>',
      `<resources><!--${'x'.repeat(MAX_MANIFEST_BYTES)}-->`,
    );
    expect(rejection(() => parseScormManifest(big)).reason).toBe('manifest_too_large');
  });

  it('refuses a root element other than <manifest>', () => {
    expect(rejection(() => parseScormManifest('<html><body/></html>')).message).toMatch(
      /must be <manifest>, found <html>/,
    );
  });

  it.each([
    [
      '<manifest identifier="m"><metadata><schemaversion>1.2</schemaversion></metadata></manifest>',
      /no organizations/,
    ],
    [
      manifest2004(
        '<organizations><organization identifier="o"><item identifier="i"><item identifier="j"/></item></organization></organizations>',
        '<resource identifier="r" href="a.html"/>',
      ),
      /no item with an identifierref/,
    ],
    [
      manifest2004(
        '<organizations><organization identifier="o"><item identifier="i" identifierref="ghost"/></organization></organizations>',
        '<resource identifier="r" href="a.html"/>',
      ),
      /identifierref "ghost" names no resource/,
    ],
    [
      manifest2004(
        '<organizations><organization identifier="o"><item identifier="i" identifierref="r"/></organization></organizations>',
        '<resource identifier="r" type="webcontent"><file href="a.html"/></resource>',
      ),
      /resource "r" has no href/,
    ],
  ])('refuses what it cannot launch (%#)', (xml, message) => {
    const err = rejection(() => parseScormManifest(xml));
    expect(err.reason).toBe('invalid_manifest');
    expect(err.message).toMatch(message);
  });
});

describe('parseScormManifest: launch path', () => {
  it('percent-decodes the launch path and strips `.` segments', () => {
    expect(parseScormManifest(withLaunchHref('./my%20course/index%2Bv2.html')).launch).toBe(
      'my course/index+v2.html',
    );
  });

  it.each([
    '../index.html',
    'content/../../index.html',
    '%2e%2e/index.html',
    '/etc/passwd',
    'http://example.com/course.html',
    'C:/course/index.html',
    'content\\index.html',
  ])('refuses %s: the launch path escapes the package', (href) => {
    const err = rejection(() => parseScormManifest(withLaunchHref(href)));
    expect(err.reason).toBe('invalid_manifest');
    expect(err.message).toMatch(/launch path escapes the package/);
  });

  it('refuses xml:base that climbs out of the package', () => {
    const xml = withLaunchHref('index.html').replace('<resources>', '<resources xml:base="../">');
    expect(rejection(() => parseScormManifest(xml)).message).toMatch(/escapes the package/);
  });

  it('refuses broken percent-encoding', () => {
    expect(rejection(() => parseScormManifest(withLaunchHref('100%.html'))).message).toMatch(
      /percent-encoding/,
    );
  });
});

describe('launch parameters', () => {
  it('applies item parameters to the launch in a manifest', () => {
    const xml = withLaunchHref('index.html?a=1').replace(
      'identifierref="r"',
      'identifierref="r" parameters="#start"',
    );
    expect(parseScormManifest(xml).launchParameters).toBe('?a=1#start');
  });

  it('launches the first organization when the default names none, as Moodle does, and says so', () => {
    const m = parseScormManifest(
      manifest2004(
        '<organizations default="nope"><organization identifier="o1"><title>First</title>' +
          '<item identifier="i" identifierref="r"/></organization>' +
          '<organization identifier="o2"><item identifier="j" identifierref="r2"/></organization></organizations>',
        '<resource identifier="r" href="a.html"/><resource identifier="r2" href="b.html"/>',
      ),
    );
    expect(m.launch).toBe('a.html');
    expect(m.title).toBe('First');
    expect(m.warnings).toEqual([
      'the default organization "nope" does not exist; the first organization "o1" is launched instead',
    ]);
  });
});

describe('parseScormManifest: what the launched item gives the runtime', () => {
  it('reads SCORM 1.2 adlcp launch data, mastery score and time limit', () => {
    const xml = `<manifest identifier="m" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schemaversion>1.2</schemaversion></metadata>
  <organizations><organization identifier="o"><item identifier="i" identifierref="r">
    <adlcp:datafromlms>level=2</adlcp:datafromlms><adlcp:masteryscore>80</adlcp:masteryscore>
    <adlcp:maxtimeallowed>00:30:00</adlcp:maxtimeallowed><adlcp:timelimitaction>exit,message</adlcp:timelimitaction>
  </item></organization></organizations>
  <resources><resource identifier="r" href="a.html" adlcp:scormtype="sco"/></resources></manifest>`;
    expect(parseScormManifest(xml).launchData).toEqual({
      'cmi.launch_data': 'level=2',
      'cmi.student_data.mastery_score': '80',
      'cmi.student_data.max_time_allowed': '00:30:00',
      'cmi.student_data.time_limit_action': 'exit,message',
    });
  });

  it('reads SCORM 2004 completion threshold, passing score, duration limit and launch data', () => {
    const xml = manifest2004(
      `<organizations><organization identifier="o"><item identifier="i" identifierref="r">
        <adlcp:dataFromLMS>mode=exam</adlcp:dataFromLMS>
        <adlcp:completionThreshold completedByMeasure="true" minProgressMeasure="0.75"/>
        <adlcp:timeLimitAction>continue,message</adlcp:timeLimitAction>
        <imsss:sequencing><imsss:limitConditions attemptAbsoluteDurationLimit="PT1H"/>
          <imsss:objectives><imsss:primaryObjective objectiveID="p" satisfiedByMeasure="true">
            <imsss:minNormalizedMeasure>0.6</imsss:minNormalizedMeasure></imsss:primaryObjective></imsss:objectives>
        </imsss:sequencing></item></organization></organizations>`,
      '<resource identifier="r" href="a.html" adlcp:scormType="sco"/>',
      'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3" xmlns:imsss="http://www.imsglobal.org/xsd/imsss"',
    );
    expect(parseScormManifest(xml).launchData).toEqual({
      'cmi.launch_data': 'mode=exam',
      'cmi.completion_threshold': '0.75',
      'cmi.time_limit_action': 'continue,message',
      'cmi.max_time_allowed': 'PT1H',
      'cmi.scaled_passing_score': '0.6',
    });
  });

  it('leaves out values the runtime would refuse, and gives nothing when there is nothing', () => {
    const xml = `<manifest identifier="m"><metadata><schemaversion>1.2</schemaversion></metadata>
  <organizations><organization identifier="o"><item identifier="i" identifierref="r">
    <masteryscore>eighty</masteryscore><timelimitaction>explode</timelimitaction></item></organization></organizations>
  <resources><resource identifier="r" href="a.html"/></resources></manifest>`;
    expect(parseScormManifest(xml).launchData).toEqual({});
    expect(parseScormManifest(withLaunchHref('a.html')).launchData).toEqual({});
  });
});
