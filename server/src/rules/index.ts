// The registry: every rule, sorted by code. Adding a rule = one file + one line here.
import type { Rule } from '../engine/rule';
import layerBudget from './build/layer-budget';
import noDownloadsAtStart from './caching/no-downloads-at-start';
import validSectionNames from './def/valid-section-names';
import noEolBase from './eol/no-eol-base';
import noLicenseFiles from './licensing/no-license-files';
import noHostTunedIsa from './portability/no-host-tuned-isa';
import verifyRemoteContent from './security/verify-remote-content';
import noSecretsInRecipe from './security/no-secrets-in-recipe';
import noGpuDriverInImage from './portability/no-gpu-driver-in-image';

export const allRules: readonly Rule[] = [
  layerBudget, // HPC-BUILD-001
  noDownloadsAtStart, // HPC-CACHE-001
  validSectionNames, // HPC-DEF-005
  noEolBase, // HPC-EOL-001
  noLicenseFiles, // HPC-LIC-002
  noHostTunedIsa, // HPC-PORT-001
  noGpuDriverInImage, // HPC-PORT-005
  verifyRemoteContent, // HPC-SEC-003
  noSecretsInRecipe, // HPC-SEC-005
];
