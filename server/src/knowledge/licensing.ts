// Licensing facts: what proprietary SDKs allow to be redistributed (data/licensing.json, as-of date and sources there)
// and how images declare their licence.

import licensing from '../data/licensing.json';

export interface ProprietarySdk {
  name: string;
  /** What may be shipped instead. */
  instead: string;
  /** Redistribution terms in a few words. */
  terms?: string;
}

export type SdkId = 'intel-oneapi' | 'intel-psxe' | 'nvhpc' | 'cuda' | 'pgi' | 'cray' | 'ibm-mpi';

/** What each SDK's licence allows. */
export const PROPRIETARY_SDKS: Readonly<Record<SdkId, ProprietarySdk>> = licensing.proprietarySdks;

/** The OCI annotation that declares an image's licence (SPDX expression). */
export const LICENSE_LABEL_KEY = 'org.opencontainers.image.licenses';

/**
 * Label keys that declare a licence: OCI `org.opencontainers.image.licenses`, `License`/`Licence`/`Licenses` (any case)
 * and namespaced variants such as BioContainers' `about.license` or `package.license`.
 */
export function isLicenseLabelKey(key: string): boolean {
  return /^([\w-]+\.)*licen[cs]es?$/i.test(key.replace(/^["']|["']$/g, ''));
}
