// BuildKit's build checks (`docker build --check`) and the hpclint codes that report the same thing, so that
// a Dockerfile's `# check=skip=…` parser directive silences them in hpclint too.
import type { CompatCheck } from './hadolint';
import { onInstruction } from './selectors';

const NONE = 'BuildKit-only: no HPC impact, left to `docker build --check`.';

export const BUILDKIT_CHECKS: readonly CompatCheck[] = [
  { id: 'StageNameCasing', summary: 'Stage names should be lowercase', coverage: 'hadolint', codes: [], note: NONE },
  { id: 'FromAsCasing', summary: 'The AS keyword should match the case of FROM', coverage: 'hadolint', codes: [], note: NONE },
  { id: 'NoEmptyContinuation', summary: 'Empty continuation lines', coverage: 'same', codes: ['dockerfile-utils/EMPTY_CONTINUATION_LINE'], note: "dockerfile-utils' syntax check." },
  { id: 'ConsistentInstructionCasing', summary: 'Instructions should be in consistent casing', coverage: 'same', codes: ['dockerfile-utils/CASING_INSTRUCTION'], note: "dockerfile-utils' syntax check." },
  { id: 'DuplicateStageName', summary: 'Stage names should be unique', coverage: 'same', codes: ['dockerfile-utils/DUPLICATE_BUILD_STAGE_NAME'], note: "dockerfile-utils' syntax check." },
  { id: 'ReservedStageName', summary: 'Reserved words should not be used as stage names', coverage: 'hadolint', codes: [], note: NONE },
  { id: 'JSONArgsRecommended', summary: 'JSON arguments recommended for ENTRYPOINT/CMD', coverage: 'part', codes: ['HPC-USE-001'], selects: onInstruction('ENTRYPOINT', 'CMD'), note: 'HPC-USE-001 reports a shell-form ENTRYPOINT (arguments are lost).' },
  { id: 'MaintainerDeprecated', summary: 'MAINTAINER is deprecated', coverage: 'same', codes: ['dockerfile-utils/DEPRECATED_MAINTAINER'], note: "dockerfile-utils' syntax check." },
  { id: 'UndefinedArgInFrom', summary: 'FROM uses an undefined ARG', coverage: 'hadolint', codes: [], note: NONE },
  { id: 'WorkdirRelativePath', summary: 'Relative WORKDIR without an absolute one before', coverage: 'same', codes: ['dockerfile-utils/WORKDIR_IS_NOT_ABSOLUTE'], note: "dockerfile-utils' syntax check." },
  { id: 'UndefinedVar', summary: 'Variables used before they are defined', coverage: 'hadolint', codes: [], note: 'Dockerfile-level substitution; unset shell variables in scripts are ShellCheck\'s SC2154.' },
  { id: 'MultipleInstructionsDisallowed', summary: 'Multiple CMD, ENTRYPOINT or HEALTHCHECK', coverage: 'same', codes: ['dockerfile-utils/MULTIPLE_INSTRUCTIONS'], note: "dockerfile-utils' syntax check." },
  { id: 'LegacyKeyValueFormat', summary: 'ENV/LABEL key value without =', coverage: 'hadolint', codes: [], note: NONE },
  { id: 'InvalidBaseImagePlatform', summary: 'Base image platform does not match the target', coverage: 'hadolint', codes: [], note: 'Needs the registry; hpclint works offline.' },
  { id: 'RedundantTargetPlatform', summary: '--platform=$TARGETPLATFORM is redundant', coverage: 'hadolint', codes: [], note: NONE },
  { id: 'SecretsUsedInArgOrEnv', summary: 'Secrets in ARG or ENV', coverage: 'part', codes: ['HPC-SEC-005'], selects: onInstruction('ARG', 'ENV'), note: 'HPC-SEC-005 also finds secrets in headers, `%arguments` and copied key files.' },
  { id: 'InvalidDefaultArgInFrom', summary: 'ARG default makes an invalid FROM', coverage: 'hadolint', codes: [], note: NONE },
  { id: 'FromPlatformFlagConstDisallowed', summary: 'FROM --platform with a constant value', coverage: 'same', codes: ['HPC-PORT-004'], selects: onInstruction('FROM'), note: 'HPC-PORT-004 reports it as a one-architecture recipe.' },
  { id: 'CopyIgnoredFile', summary: 'COPY of a file excluded by .dockerignore', coverage: 'hadolint', codes: [], note: 'Needs the build context; hpclint reads the recipe only.' },
  { id: 'InvalidDefinitionDescription', summary: 'Malformed stage/ARG description comments', coverage: 'hadolint', codes: [], note: NONE },
  { id: 'ExposeProtoCasing', summary: 'EXPOSE protocol should be lowercase', coverage: 'hadolint', codes: [], note: NONE },
  { id: 'ExposeInvalidFormat', summary: 'EXPOSE with an IP address or host port', coverage: 'hadolint', codes: [], note: 'HPC runtimes ignore EXPOSE (HPC-NET-004).' },
];

const BY_ID = new Map(BUILDKIT_CHECKS.map((check) => [check.id.toLowerCase(), check]));

export function buildkitCheck(id: string): CompatCheck | undefined {
  return BY_ID.get(id.trim().toLowerCase());
}

export const BUILDKIT_PREFIX = 'buildkit/';
