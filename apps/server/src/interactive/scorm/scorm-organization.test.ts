import { describe, expect, it } from 'vitest';
import { flowOnlyPackage, postTestRollupPackage } from '../../../test-support/authoring-packages.js';
import { MAX_ACTIVITIES } from './scorm-organization.js';
import { ManifestError, parseScormManifest } from './scorm-manifest.js';

const NS = `xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
  xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3" xmlns:imsss="http://www.imsglobal.org/xsd/imsss"`;

function manifest2004(organization: string, extra = ''): string {
  return `<?xml version="1.0"?>
<manifest identifier="m" ${NS}>
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="org"><organization identifier="org"><title>Course</title>${organization}</organization></organizations>
  <resources>
    <resource identifier="r1" type="webcontent" adlcp:scormType="sco" href="one/index.html"/>
    <resource identifier="r2" type="webcontent" adlcp:scormType="sco" href="two/index.html?lang=en"/>
  </resources>${extra}
</manifest>`;
}

const manifestOf = (files: { path: string; data: string | Buffer }[]): string =>
  String(files.find((f) => f.path === 'imsmanifest.xml')?.data);

describe('the organization as an activity tree', () => {
  it('keeps titles, nesting, hidden items, and what each leaf launches', () => {
    const m = parseScormManifest(
      manifest2004(`
      <item identifier="module"><title>Module 1</title>
        <item identifier="a" identifierref="r1" parameters="#page2"><title>Lesson A</title>
          <adlcp:dataFromLMS>level=2</adlcp:dataFromLMS></item>
        <item identifier="b" identifierref="r2" isvisible="false"><title>Lesson B</title></item>
      </item>`),
    );
    const [module] = m.organization.children;
    expect(m.organization).toMatchObject({ id: 'org', title: 'Course', launch: null });
    expect(module).toMatchObject({ id: 'module', title: 'Module 1', visible: true, launch: null });
    expect(module?.children).toEqual([
      {
        id: 'a',
        title: 'Lesson A',
        visible: true,
        launch: { path: 'one/index.html', parameters: '#page2' },
        launchData: { 'cmi.launch_data': 'level=2' },
        children: [],
      },
      {
        id: 'b',
        title: 'Lesson B',
        visible: false,
        launch: { path: 'two/index.html', parameters: '?lang=en' },
        children: [],
      },
    ]);
    // The first leaf is still what a single launch starts with.
    expect(m.launch).toBe('one/index.html');
    expect(m.launchData).toEqual({ 'cmi.launch_data': 'level=2' });
  });

  it('reads the flow-only and post-test sequencing of the authoring packages', () => {
    const flow = parseScormManifest(manifestOf(flowOnlyPackage(18)));
    expect(flow.organization.sequencing).toEqual({ choice: false, flow: true });
    expect(flow.organization.children).toHaveLength(18);
    const post = parseScormManifest(manifestOf(postTestRollupPackage()));
    const [content1, , , test] = post.organization.children;
    expect(content1?.sequencing).toEqual({
      rollupObjectiveSatisfied: false,
      rollupProgressCompletion: false,
      objectiveMeasureWeight: 0,
      completionSetByContent: true,
      objectiveSetByContent: true,
    });
    expect(test?.sequencing?.primaryObjective).toEqual({
      id: 'posttest_satisfied',
      satisfiedByMeasure: false,
      minNormalizedMeasure: 1,
    });
  });

  it('reads rules, limits and rollup rules; merges a sequencingCollection entry under the item', () => {
    const collection = `
  <imsss:sequencingCollection>
    <imsss:sequencing ID="shared">
      <imsss:controlMode flow="true" forwardOnly="true"/>
      <imsss:limitConditions attemptLimit="2"/>
    </imsss:sequencing>
  </imsss:sequencingCollection>`;
    const m = parseScormManifest(
      manifest2004(
        `
      <item identifier="a" identifierref="r1"><title>A</title>
        <imsss:sequencing IDRef="shared">
          <imsss:controlMode flow="false"/>
          <imsss:sequencingRules>
            <imsss:preConditionRule>
              <imsss:ruleConditions conditionCombination="any">
                <imsss:ruleCondition condition="satisfied"/>
                <imsss:ruleCondition referencedObjective="obj1" operator="not" condition="objectiveMeasureGreaterThan" measureThreshold="0.5"/>
              </imsss:ruleConditions>
              <imsss:ruleAction action="skip"/>
            </imsss:preConditionRule>
            <imsss:postConditionRule>
              <imsss:ruleConditions><imsss:ruleCondition condition="inTheMoon"/></imsss:ruleConditions>
              <imsss:ruleAction action="continue"/>
            </imsss:postConditionRule>
          </imsss:sequencingRules>
          <imsss:rollupRules>
            <imsss:rollupRule childActivitySet="atLeastPercent" minimumPercent="0.5">
              <imsss:rollupConditions><imsss:rollupCondition condition="completed"/></imsss:rollupConditions>
              <imsss:rollupAction action="completed"/>
            </imsss:rollupRule>
          </imsss:rollupRules>
          <imsss:objectives>
            <imsss:primaryObjective objectiveID="p" satisfiedByMeasure="true"><imsss:minNormalizedMeasure>0.8</imsss:minNormalizedMeasure></imsss:primaryObjective>
            <imsss:objective objectiveID="obj1"/>
          </imsss:objectives>
          <adlseq:rollupConsiderations requiredForSatisfied="ifAttempted"/>
        </imsss:sequencing>
      </item>
      <item identifier="b" identifierref="r2"><title>B</title><imsss:sequencing IDRef="nowhere"/></item>`,
        collection,
      ),
    );
    const [a] = m.organization.children;
    // The item's own <controlMode> replaces the shared one whole (its forwardOnly goes); the limit is inherited.
    expect(a?.sequencing).toEqual({
      flow: false,
      attemptLimit: 2,
      preConditionRules: [
        {
          combination: 'any',
          conditions: [
            { condition: 'satisfied', not: false },
            { condition: 'objectiveMeasureGreaterThan', not: true, objective: 'obj1', measureThreshold: 0.5 },
          ],
          action: 'skip',
        },
      ],
      rollupRules: [
        {
          childSet: 'atLeastPercent',
          minimumCount: 0,
          minimumPercent: 0.5,
          combination: 'any',
          conditions: [{ condition: 'completed', not: false }],
          action: 'completed',
        },
      ],
      requiredForSatisfied: 'ifAttempted',
      primaryObjective: { id: 'p', satisfiedByMeasure: true, minNormalizedMeasure: 0.8 },
      objectives: ['obj1'],
    });
    expect(a?.launchData).toEqual({ 'cmi.scaled_passing_score': '0.8' });
    expect(m.warnings).toEqual([
      'item "a": rule condition "inTheMoon" is not SCORM\'s; the rule is ignored',
      'item "b": sequencing IDRef "nowhere" names no sequencingCollection entry; it is ignored',
    ]);
  });

  it(`refuses an organization of more than ${MAX_ACTIVITIES} items, saying so`, () => {
    const items = Array.from(
      { length: MAX_ACTIVITIES },
      (_, i) => `<item identifier="i${i}" identifierref="r1"><title>${i}</title></item>`,
    ).join('');
    let error: unknown;
    try {
      parseScormManifest(manifest2004(items));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ManifestError);
    expect((error as Error).message).toContain(`more than ${MAX_ACTIVITIES} items`);
  });

  it('SCORM 1.2 organizations carry no sequencing', () => {
    const xml = `<?xml version="1.0"?>
<manifest identifier="m" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="o"><organization identifier="o"><title>T</title>
    <item identifier="a" identifierref="r"><title>A</title><adlcp:masteryscore>80</adlcp:masteryscore></item>
    <item identifier="b" identifierref="r"><title>B</title></item>
  </organization></organizations>
  <resources><resource identifier="r" type="webcontent" adlcp:scormtype="sco" href="index.html"/></resources>
</manifest>`;
    const m = parseScormManifest(xml);
    expect(m.organization.children.map((c) => [c.id, c.sequencing, c.launchData])).toEqual([
      ['a', undefined, { 'cmi.student_data.mastery_score': '80' }],
      ['b', undefined, undefined],
    ]);
  });
});
