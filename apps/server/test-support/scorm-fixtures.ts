// Broken SCORM packages for the refusal tests, made from the sample package.
import { scormFiles, scormPackage, zipFiles } from '../src/cli/sample-scorm.js';

/** A SCORM manifest whose launch file is not in the package. */
export function scormMissingLaunch(): Promise<Buffer> {
  return zipFiles(scormFiles('2004').filter((f) => f.path !== 'content/lesson.html'));
}

/** A SCORM package whose imsmanifest.xml is not well-formed XML. */
export function scormMalformedManifest(): Promise<Buffer> {
  return scormPackage('2004', {
    'imsmanifest.xml': '<?xml version="1.0"?>\n<manifest identifier="x">\n  <organizations>\n</manifest>\n',
  });
}
