// The registry: every rule, sorted by code. Adding a rule = one file + one line here.
import type { Rule } from '../engine/rule';
import layerBudget from './build/layer-budget';
import noBuildTimeHardwareTest from './build/no-build-time-hardware-test';
import noHostToolBootstrap from './build/no-host-tool-bootstrap';
import transcodingLosses from './build/transcoding-losses';
import boundedBuildParallelism from './caching/bounded-build-parallelism';
import noDownloadsAtStart from './caching/no-downloads-at-start';
import noPersistedProxy from './caching/no-persisted-proxy';
import noRateLimitedApiAtBuild from './caching/no-rate-limited-api-at-build';
import noShub from './caching/no-shub';
import useBuildCacheMounts from './caching/use-build-cache-mounts';
import useRegistryMirror from './caching/use-registry-mirror';
import bootstrapFirst from './def/bootstrap-first';
import definedBuildArguments from './def/defined-build-arguments';
import noAccidentalSectionStart from './def/no-accidental-section-start';
import noBuildUseOfRuntimeEnv from './def/no-build-use-of-runtime-env';
import noFilesToTmp from './def/no-files-to-tmp';
import postShellInterpreter from './def/post-shell-interpreter';
import requiredHeaderKeys from './def/required-header-keys';
import sectionErrexit from './def/section-errexit';
import runtimeDialectFeatures from './def/runtime-dialect-features';
import validBootstrapAgent from './def/valid-bootstrap-agent';
import validFilesFromStage from './def/valid-files-from-stage';
import validHeaderKeys from './def/valid-header-keys';
import validSectionNames from './def/valid-section-names';
import noEolBase from './eol/no-eol-base';
import noEolRepoWorkaround from './eol/no-eol-repo-workaround';
import noEolRuntimes from './eol/no-eol-runtimes';
import noExtendedSupportBase from './eol/no-extended-support-base';
import declareImageLicense from './licensing/declare-image-license';
import noBakedLicenseServer from './licensing/no-baked-license-server';
import noLicenseFiles from './licensing/no-license-files';
import noProprietarySdkInFinalImage from './licensing/no-proprietary-sdk-in-final-image';
import noPublishedCommercialApps from './licensing/no-published-commercial-apps';
import ubiRedistributableContent from './licensing/ubi-redistributable-content';
import noMovingTargetUrls from './maintainability/no-moving-target-urls';
import pinVcsFetches from './maintainability/pin-vcs-fetches';
import rebuildableBase from './maintainability/rebuildable-base';
import singleFortranToolchain from './maintainability/single-fortran-toolchain';
import tagDefinitionBase from './maintainability/tag-definition-base';
import unfilledPlaceholder from './maintainability/unfilled-placeholder';
import noBakedFabricTuning from './networking/no-baked-fabric-tuning';
import noExposeInHpcImage from './networking/no-expose-in-hpc-image';
import noIpv4OnlyAssumptions from './networking/no-ipv4-only-assumptions';
import noSshLaunch from './networking/no-ssh-launch';
import cleanPackageCaches from './performance/clean-package-caches';
import deleteInSameLayer from './performance/delete-in-same-layer';
import interconnectAwareMpi from './performance/interconnect-aware-mpi';
import noBakedData from './performance/no-baked-data';
import noBakedRuntimeTuning from './performance/no-baked-runtime-tuning';
import noBuildToolsInFinalStage from './performance/no-build-tools-in-final-stage';
import noLegacyImageBase from './performance/no-legacy-image-base';
import targetIsaForHpcApps from './performance/target-isa-for-hpc-apps';
import baseGlibcWindow from './portability/base-glibc-window';
import cudaHostDriver from './portability/cuda-host-driver';
import mpiLauncherPmi from './portability/mpi-launcher-pmi';
import mpichAbiMpi from './portability/mpich-abi-mpi';
import noBuildCpuAutodetect from './portability/no-build-cpu-autodetect';
import noBuildGpuTarget from './portability/no-build-gpu-target';
import noDistroMpich from './portability/no-distro-mpich';
import noGpuDriverInImage from './portability/no-gpu-driver-in-image';
import noHardcodedMachineArch from './portability/no-hardcoded-machine-arch';
import noHostPathsInImage from './portability/no-host-paths-in-image';
import noKernelCoupledComponents from './portability/no-kernel-coupled-components';
import noMarchNative from './portability/no-march-native';
import noStaticMpiLinking from './portability/no-static-mpi-linking';
import noBuildPasswords from './security/no-build-passwords';
import noDisabledVerification from './security/no-disabled-verification';
import noPrivilegeAssumptions from './security/no-privilege-assumptions';
import noSecretsInRecipe from './security/no-secrets-in-recipe';
import noSshHostKeyBypass from './security/no-ssh-host-key-bypass';
import noUnverifiedDownloads from './security/no-unverified-downloads';
import provenanceMetadata from './security/provenance-metadata';
import setupWritesRootfs from './security/setup-writes-rootfs';
import trustedBaseRegistry from './security/trusted-base-registry';
import verifiedBaseImage from './security/verified-base-image';
import verifyRemoteContent from './security/verify-remote-content';
import appendSearchPaths from './usability/append-search-paths';
import forwardRunscriptArgs from './usability/forward-runscript-args';
import noInitInEntry from './usability/no-init-in-entry';
import noInstallToMaskedPaths from './usability/no-install-to-masked-paths';
import noMpiLauncherInEntry from './usability/no-mpi-launcher-in-entry';
import noRootAtStart from './usability/no-root-at-start';
import noRuntimeNamespaceTricks from './usability/no-runtime-namespace-tricks';
import noSiteStoragePaths from './usability/no-site-storage-paths';
import unseenCopiedScript from './usability/unseen-copied-script';
import worldReadableInstall from './usability/world-readable-install';

export const allRules: readonly Rule[] = [
  layerBudget, // HPC-BUILD-001
  transcodingLosses, // HPC-BUILD-002
  noHostToolBootstrap, // HPC-BUILD-003
  noBuildTimeHardwareTest, // HPC-BUILD-004
  noDownloadsAtStart, // HPC-CACHE-001
  useBuildCacheMounts, // HPC-CACHE-002
  noPersistedProxy, // HPC-CACHE-003
  useRegistryMirror, // HPC-CACHE-004
  noShub, // HPC-CACHE-005
  boundedBuildParallelism, // HPC-CACHE-006
  noRateLimitedApiAtBuild, // HPC-CACHE-007
  bootstrapFirst, // HPC-DEF-001
  validHeaderKeys, // HPC-DEF-002
  validBootstrapAgent, // HPC-DEF-003
  requiredHeaderKeys, // HPC-DEF-004
  validSectionNames, // HPC-DEF-005
  noAccidentalSectionStart, // HPC-DEF-006
  definedBuildArguments, // HPC-DEF-007
  validFilesFromStage, // HPC-DEF-008
  postShellInterpreter, // HPC-DEF-009
  runtimeDialectFeatures, // HPC-DEF-010
  noBuildUseOfRuntimeEnv, // HPC-DEF-011
  noFilesToTmp, // HPC-DEF-012
  sectionErrexit, // HPC-DEF-013
  noEolBase, // HPC-EOL-001
  noExtendedSupportBase, // HPC-EOL-002
  noEolRepoWorkaround, // HPC-EOL-003
  noEolRuntimes, // HPC-EOL-004
  noProprietarySdkInFinalImage, // HPC-LIC-001
  noLicenseFiles, // HPC-LIC-002
  noBakedLicenseServer, // HPC-LIC-003
  noPublishedCommercialApps, // HPC-LIC-004
  declareImageLicense, // HPC-LIC-006
  ubiRedistributableContent, // HPC-LIC-007
  pinVcsFetches, // HPC-MAINT-001
  noMovingTargetUrls, // HPC-MAINT-002
  tagDefinitionBase, // HPC-MAINT-003
  rebuildableBase, // HPC-MAINT-004
  singleFortranToolchain, // HPC-MAINT-005
  unfilledPlaceholder, // HPC-MAINT-006
  noBakedFabricTuning, // HPC-NET-001
  noIpv4OnlyAssumptions, // HPC-NET-002
  noSshLaunch, // HPC-NET-003
  noExposeInHpcImage, // HPC-NET-004
  targetIsaForHpcApps, // HPC-PERF-001
  interconnectAwareMpi, // HPC-PERF-002
  noBakedData, // HPC-PERF-003
  noLegacyImageBase, // HPC-PERF-004
  noBakedRuntimeTuning, // HPC-PERF-005
  cleanPackageCaches, // HPC-PERF-006
  deleteInSameLayer, // HPC-PERF-007
  noBuildToolsInFinalStage, // HPC-PERF-008
  noMarchNative, // HPC-PORT-001
  noBuildCpuAutodetect, // HPC-PORT-002
  noBuildGpuTarget, // HPC-PORT-003
  noHardcodedMachineArch, // HPC-PORT-004
  noGpuDriverInImage, // HPC-PORT-005
  noKernelCoupledComponents, // HPC-PORT-006
  baseGlibcWindow, // HPC-PORT-007
  cudaHostDriver, // HPC-PORT-008
  noHostPathsInImage, // HPC-PORT-009
  mpichAbiMpi, // HPC-PORT-010
  noDistroMpich, // HPC-PORT-011
  mpiLauncherPmi, // HPC-PORT-012
  noStaticMpiLinking, // HPC-PORT-013 (formerly HPC-LIC-005)
  verifiedBaseImage, // HPC-SEC-001
  trustedBaseRegistry, // HPC-SEC-002
  verifyRemoteContent, // HPC-SEC-003
  noDisabledVerification, // HPC-SEC-004
  noSecretsInRecipe, // HPC-SEC-005
  setupWritesRootfs, // HPC-SEC-006
  noPrivilegeAssumptions, // HPC-SEC-007
  provenanceMetadata, // HPC-SEC-008
  noBuildPasswords, // HPC-SEC-009
  noUnverifiedDownloads, // HPC-SEC-010
  noSshHostKeyBypass, // HPC-SEC-011
  forwardRunscriptArgs, // HPC-USE-001
  noMpiLauncherInEntry, // HPC-USE-002
  noRootAtStart, // HPC-USE-003
  noInstallToMaskedPaths, // HPC-USE-004
  noInitInEntry, // HPC-USE-005
  appendSearchPaths, // HPC-USE-006
  worldReadableInstall, // HPC-USE-007
  noRuntimeNamespaceTricks, // HPC-USE-008
  noSiteStoragePaths, // HPC-USE-009
  unseenCopiedScript, // HPC-USE-010
];
