/**
 * Interactive packages (HTML5, SCORM) and documents: the server's unpack span and the load events' extra
 * attributes. Browser-safe (no zod): the launch page imports these through `@coursecast/semconv/browser`.
 */

/** What an interactive package is (bounded). */
export const PACKAGE_TYPES = { scorm12: 'scorm_12', scorm2004: 'scorm_2004', html5: 'html5' } as const;
export type PackageType = (typeof PACKAGE_TYPES)[keyof typeof PACKAGE_TYPES];

/** Document formats learners are served (bounded; decided from the bytes, never the file name). */
export const DOCUMENT_FORMATS_VALUES = {
  pdf: 'pdf',
  png: 'png',
  jpeg: 'jpeg',
  gif: 'gif',
  webp: 'webp',
} as const;

/** Why a package upload was refused (bounded: the unpack span's and metric's `content.package.rejection`). */
export const PACKAGE_REJECTIONS = {
  corruptZip: 'corrupt_zip',
  encrypted: 'encrypted_entry',
  zipSlip: 'zip_slip',
  absolutePath: 'absolute_path',
  invalidName: 'invalid_name',
  reservedName: 'reserved_name',
  symlink: 'symlink',
  specialFile: 'special_file',
  duplicateName: 'duplicate_name',
  tooManyEntries: 'too_many_entries',
  tooLarge: 'too_large',
  compressionRatio: 'compression_ratio',
  unsupportedCompression: 'unsupported_compression',
  invalidManifest: 'invalid_manifest',
  manifestTooLarge: 'manifest_too_large',
  launchMissing: 'launch_missing',
  noLaunchFile: 'no_launch_file',
} as const;
export type PackageRejection = (typeof PACKAGE_REJECTIONS)[keyof typeof PACKAGE_REJECTIONS];

/** How a load in the browser ended (bounded). */
export const LOAD_OUTCOMES = { success: 'success', failed: 'failed' } as const;

/**
 * Why a module's launch failed (its `error.type`): the package never found the SCORM API, found it and never
 * initialized, broke on a script error, was refused a resource by its policy, never painted (HTML5), answered an
 * HTTP error, or the launch frame itself never answered.
 */
export const MODULE_LOAD_FAILURES = {
  apiNotFound: 'api_not_found',
  noInitialize: 'no_initialize',
  scriptError: 'script_error',
  blockedResource: 'blocked_resource',
  noPaint: 'no_paint',
  httpError: 'http_error',
  launchUnreachable: 'launch_unreachable',
} as const;
/** One MODULE_LOAD_FAILURES value. */
export type ModuleLoadFailure = (typeof MODULE_LOAD_FAILURES)[keyof typeof MODULE_LOAD_FAILURES];
/** What the package's own page reported before its launch failed (first problem, at most 256 characters). */
export const ATTR_LOAD_PROBLEM = 'content.load.problem';

/** `scorm_12`, `scorm_2004` or `html5` (PACKAGE_TYPES). */
export const ATTR_PACKAGE_TYPE = 'content.package.type';
/** Files in a package (directories not counted). */
export const ATTR_PACKAGE_ENTRIES = 'content.package.entries';
/** Uncompressed bytes of a package's files. */
export const ATTR_PACKAGE_BYTES = 'content.package.bytes';
/** Bytes of the uploaded zip. */
export const ATTR_PACKAGE_COMPRESSED_BYTES = 'content.package.compressed_bytes';
/** Why the package was refused (PACKAGE_REJECTIONS). */
export const ATTR_PACKAGE_REJECTION = 'content.package.rejection';
/** The entry a refusal is about (spans only: unbounded). */
export const ATTR_PACKAGE_ENTRY = 'content.package.entry';
/** `pdf`, `png`, ... (DOCUMENT_FORMATS_VALUES). */
export const ATTR_DOCUMENT_FORMAT = 'content.document.format';
/** `success` or `failed` (LOAD_OUTCOMES). */
export const ATTR_LOAD_OUTCOME = 'content.load.outcome';
/** Outcome of an unpack: `published`, `rejected` (bad input) or `failed` (the server's fault). */
export const ATTR_PACKAGE_OUTCOME = 'content.package.outcome';
export const PACKAGE_OUTCOMES = { published: 'published', rejected: 'rejected', failed: 'failed' } as const;

/** One package upload's unpack: validation, extraction, manifest, publish (server span). */
export const SPAN_CONTENT_UNPACK_PACKAGE = 'content.unpack_package';
