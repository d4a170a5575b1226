// imsmanifest.xml for the authoring-tool packages (authoring-packages.ts), built from a list of SCOs so each
// package states only what makes it different: its items, their sequencing, its default organization.
import type { AuthoringScormVersion } from './authoring-scripts.js';

/** One SCO: an organization item and the resource it launches (`<id>_res`). */
export interface ManifestSco {
  id: string;
  title: string;
  href: string;
  /** Every file of the resource, the launch page included. */
  files: readonly string[];
  /** `<imsss:sequencing>` of the item (SCORM 2004 only). */
  sequencing?: string;
}

export interface ManifestSpec {
  version: AuthoringScormVersion;
  identifier: string;
  title: string;
  scos: readonly ManifestSco[];
  /** Files every SCO uses (the wrapper library): an asset resource the SCOs depend on. */
  sharedFiles?: readonly string[];
  organizationId?: string;
  /** What `<organizations default>` names; the organization's own id when absent. */
  defaultOrganization?: string;
  /** `<imsss:sequencing>` of the organization, the root activity (SCORM 2004 only). */
  organizationSequencing?: string;
}

// The root's namespaces and the SCO attribute's spelling, as ADL's schemas (and so every tool) write them.
const EDITIONS: Record<AuthoringScormVersion, { namespaces: string; schema: string; scoAttr: string }> = {
  '1.2': {
    namespaces: `xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd
                        http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd"`,
    schema: '1.2',
    scoAttr: 'adlcp:scormtype',
  },
  '2004': {
    namespaces: `xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
    xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
    xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3"
    xmlns:imsss="http://www.imsglobal.org/xsd/imsss"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"`,
    schema: '2004 4th Edition',
    scoAttr: 'adlcp:scormType',
  },
};

const SHARED_RESOURCE = 'common_files';

/** Text escaped for XML content and attribute values. */
export function xmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function fileList(files: readonly string[]): string {
  return files.map((f) => `\n        <file href="${xmlText(f)}"/>`).join('');
}

/** An imsmanifest.xml with one organization holding one item per SCO, each launching its own resource. */
export function buildManifest(spec: ManifestSpec): string {
  const e = EDITIONS[spec.version];
  const orgId = spec.organizationId ?? 'org_default';
  const shared = spec.sharedFiles ?? [];
  if (spec.version === '1.2' && (spec.organizationSequencing || spec.scos.some((s) => s.sequencing))) {
    throw new Error('SCORM 1.2 has no sequencing: only a 2004 manifest may carry imsss elements');
  }
  // In ADL's schema <imsss:sequencing> follows an item's title (and the organization's last item).
  const items = spec.scos
    .map(
      (s) => `
      <item identifier="${xmlText(s.id)}" identifierref="${xmlText(s.id)}_res">
        <title>${xmlText(s.title)}</title>${s.sequencing ? `\n        ${s.sequencing}` : ''}
      </item>`,
    )
    .join('');
  const dependency = shared.length > 0 ? `\n        <dependency identifierref="${SHARED_RESOURCE}"/>` : '';
  const resources = spec.scos
    .map(
      (s) => `
    <resource identifier="${xmlText(s.id)}_res" type="webcontent" ${e.scoAttr}="sco" href="${xmlText(s.href)}">${fileList(s.files)}${dependency}
    </resource>`,
    )
    .join('');
  const sharedResource =
    shared.length > 0
      ? `
    <resource identifier="${SHARED_RESOURCE}" type="webcontent" ${e.scoAttr}="asset">${fileList(shared)}
    </resource>`
      : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="${xmlText(spec.identifier)}" version="1"
    ${e.namespaces}>
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>${e.schema}</schemaversion>
  </metadata>
  <organizations default="${xmlText(spec.defaultOrganization ?? orgId)}">
    <organization identifier="${xmlText(orgId)}">
      <title>${xmlText(spec.title)}</title>${items}${spec.organizationSequencing ? `\n      ${spec.organizationSequencing}` : ''}
    </organization>
  </organizations>
  <resources>${resources}${sharedResource}
  </resources>
</manifest>
`;
}

/** Root sequencing of a flow-only course: Continue/Previous, no table of contents. */
export const FLOW_ONLY_SEQUENCING =
  '<imsss:sequencing><imsss:controlMode choice="false" flow="true"/></imsss:sequencing>';

/** Root sequencing of the post-test course: the learner may choose or flow. */
export const CHOICE_AND_FLOW_SEQUENCING =
  '<imsss:sequencing><imsss:controlMode choice="true" flow="true"/></imsss:sequencing>';

/**
 * A content SCO of ADL's golf "post test rollup" example (its `content_seq_rules`, written inline on the item
 * rather than by IDRef into a sequencingCollection): it sets its own completion, and counts toward neither
 * the course's satisfaction nor its score.
 */
export const CONTENT_SCO_SEQUENCING = `<imsss:sequencing>
          <imsss:rollupRules rollupObjectiveSatisfied="false" rollupProgressCompletion="false" objectiveMeasureWeight="0"/>
          <imsss:deliveryControls completionSetByContent="true" objectiveSetByContent="true"/>
        </imsss:sequencing>`;

/** The golf example's post test: its score alone decides the course's satisfaction and measure. */
export const POST_TEST_SEQUENCING = `<imsss:sequencing>
          <imsss:rollupRules rollupObjectiveSatisfied="true" rollupProgressCompletion="true" objectiveMeasureWeight="1"/>
          <imsss:objectives>
            <imsss:primaryObjective objectiveID="posttest_satisfied" satisfiedByMeasure="false"/>
          </imsss:objectives>
          <imsss:deliveryControls completionSetByContent="true" objectiveSetByContent="true"/>
        </imsss:sequencing>`;
