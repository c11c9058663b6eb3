// Placeholder values quick fixes insert where only the user knows the real value. HPC-MAINT-006 reports them
// until they are replaced, so an applied fix never hides a recipe that cannot build.

/** Prefix of every `REPLACE_WITH_…` placeholder (`sha256:REPLACE_WITH_SHA256`, `REPLACE_WITH_SOURCE_URL`). */
export const REPLACE_WITH = 'REPLACE_WITH_';

/** The tag placeholder of `git clone --branch '<release-tag>'`. */
export const RELEASE_TAG = '<release-tag>';

/** Header values of definition-file keys an agent needs, by lower-case key. */
export const HEADER_PLACEHOLDERS: Readonly<Record<string, string>> = {
  from: '<image>',
  mirrorurl: '<mirror-url>',
  osversion: '<release>',
  product: '<product>',
  user: '<user>',
  regcode: '<regcode>',
};

/** A header value for keys without their own placeholder. */
export const VALUE_PLACEHOLDER = '<value>';

/** Every angle-bracket placeholder a fix inserts. */
export const ANGLE_PLACEHOLDERS: ReadonlySet<string> = new Set([RELEASE_TAG, VALUE_PLACEHOLDER, ...Object.values(HEADER_PLACEHOLDERS)]);
