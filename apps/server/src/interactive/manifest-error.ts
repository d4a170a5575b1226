import { PACKAGE_REJECTIONS } from '@coursecast/semconv';

/** Why a package's manifest was refused. */
export const MANIFEST_REJECTIONS = {
  invalidManifest: PACKAGE_REJECTIONS.invalidManifest,
  manifestTooLarge: PACKAGE_REJECTIONS.manifestTooLarge,
  launchMissing: PACKAGE_REJECTIONS.launchMissing,
  noLaunchFile: PACKAGE_REJECTIONS.noLaunchFile,
} as const;
export type ManifestRejection = (typeof MANIFEST_REJECTIONS)[keyof typeof MANIFEST_REJECTIONS];

/** A package whose manifest cannot be used; `detail` carries the offending path or parser output. */
export class ManifestError extends Error {
  constructor(
    readonly reason: ManifestRejection,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'ManifestError';
  }
}

/** An `invalid_manifest` refusal. */
export function invalid(message: string, detail?: string): ManifestError {
  return new ManifestError(MANIFEST_REJECTIONS.invalidManifest, message, detail);
}
