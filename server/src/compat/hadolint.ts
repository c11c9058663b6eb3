// hadolint's DL checks and what hpclint does about each: the codes that report the same check (so that
// `# hadolint ignore=DL…` and `.hadolint.yaml` keep working), or why the check is left to hadolint.
// docs/hadolint.md is generated from this table (npm run docs); a test checks every code exists.
import { fromWithTag, onInstruction, saying, type FindingSelector } from './selectors';

export type Coverage = 'same' | 'part' | 'hadolint';

export interface CompatCheck {
  /** `DL3007`, or a BuildKit check name. */
  id: string;
  /** The other tool's check, in a few words. */
  summary: string;
  /** `same`: hpclint reports this check; `part`: the HPC-relevant part of it; `hadolint`: left to the other tool. */
  coverage: Coverage;
  /** hpclint codes that report it (rule codes, `dockerfile-utils/…`, `hpclint/parse`); empty when left. */
  codes: readonly string[];
  /** When those codes report more than this check: which of their findings are it. */
  selects?: FindingSelector;
  /** How hpclint's check differs, or why it is left out. */
  note: string;
}

const PINNING = 'Version pinning of distribution packages is generic hygiene that hpclint leaves alone; it pins what breaks rebuilds on clusters: base images (HPC-SEC-001), VCS fetches (HPC-MAINT-001) and moving URLs (HPC-MAINT-002).';
const CLEANUP = 'Package-cache clean-up: hpclint reports apt, dnf/yum, pip and conda caches (HPC-PERF-006) and suggests BuildKit cache mounts (HPC-CACHE-002); other package managers are left to hadolint.';
const NON_INTERACTIVE = 'A missing non-interactive flag fails the build at once with a clear message; nothing HPC-specific to add.';
const SIZE = 'Image-size advice: it never makes a build or a job fail.';
const LABELS = 'Label formats of your own label schema; hpclint checks the OCI licence (HPC-LIC-006) and provenance (HPC-SEC-008) labels only.';

export const HADOLINT_CHECKS: readonly CompatCheck[] = [
  { id: 'DL1001', summary: 'Refrain from inline ignore pragmas', coverage: 'hadolint', codes: [], note: 'A policy about pragmas; hpclint pragmas take a `-- reason` instead.' },
  { id: 'DL3000', summary: 'Use an absolute WORKDIR', coverage: 'same', codes: ['dockerfile-utils/WORKDIR_IS_NOT_ABSOLUTE'], note: "dockerfile-utils' syntax check, reported with hpclint's findings." },
  { id: 'DL3001', summary: 'Commands that make no sense in a container (ssh, vim, service, …)', coverage: 'hadolint', codes: [], note: 'hpclint reports the HPC cases instead: SSH-based MPI launch (HPC-NET-003) and services or init systems started by entrypoints (HPC-USE-003, HPC-USE-005).' },
  { id: 'DL3002', summary: 'Last USER should not be root', coverage: 'part', codes: ['HPC-SEC-007'], selects: onInstruction('USER'), note: 'HPC-SEC-007 reports an explicit final `USER root`/`USER 0`, plus setuid bits and capabilities that HPC runtimes ignore.' },
  { id: 'DL3003', summary: 'Use WORKDIR to switch to a directory', coverage: 'hadolint', codes: [], note: 'Style: `cd` inside a build script is normal; ShellCheck covers unchecked `cd`.' },
  { id: 'DL3004', summary: 'Do not use sudo', coverage: 'hadolint', codes: [], note: 'Running sudo in RUN is root already; hpclint reports installing sudo (HPC-SEC-007), which cannot raise privileges under Apptainer.' },
  { id: 'DL3006', summary: 'Always tag the version of an image explicitly', coverage: 'part', codes: ['HPC-SEC-001'], selects: fromWithTag((tag, digest) => tag === undefined && digest === undefined), note: 'HPC-SEC-001 reports every mutable tag (untagged included) and asks for a digest; definition files get HPC-MAINT-003.' },
  { id: 'DL3007', summary: 'Using latest is prone to errors', coverage: 'part', codes: ['HPC-SEC-001'], selects: fromWithTag((tag) => tag === 'latest'), note: 'HPC-SEC-001 reports `:latest` among all mutable tags; definition files get HPC-MAINT-003.' },
  { id: 'DL3008', summary: 'Pin versions in apt-get install', coverage: 'hadolint', codes: [], note: PINNING },
  { id: 'DL3009', summary: 'Delete the apt-get lists after installing', coverage: 'same', codes: ['HPC-PERF-006'], selects: saying(/^`apt(-get|itude)? update`/), note: 'HPC-PERF-006 reports `apt-get update` without `rm -rf /var/lib/apt/lists/*` in the same RUN (a hint: image weight), with a safe fix where no later RUN needs the lists.' },
  { id: 'DL3010', summary: 'Use ADD for extracting archives into an image', coverage: 'hadolint', codes: [], note: SIZE },
  { id: 'DL3011', summary: 'Valid UNIX ports range from 0 to 65535', coverage: 'same', codes: ['dockerfile-utils/INVALID_PORT'], note: "dockerfile-utils' syntax check." },
  { id: 'DL3012', summary: 'Multiple HEALTHCHECK instructions', coverage: 'same', codes: ['dockerfile-utils/MULTIPLE_INSTRUCTIONS'], selects: onInstruction('HEALTHCHECK'), note: "dockerfile-utils' syntax check." },
  { id: 'DL3013', summary: 'Pin versions in pip', coverage: 'hadolint', codes: [], note: PINNING },
  { id: 'DL3014', summary: 'Use the -y switch with apt-get install', coverage: 'hadolint', codes: [], note: NON_INTERACTIVE },
  { id: 'DL3015', summary: 'Avoid additional packages: --no-install-recommends', coverage: 'hadolint', codes: [], note: SIZE },
  { id: 'DL3016', summary: 'Pin versions in npm', coverage: 'hadolint', codes: [], note: PINNING },
  { id: 'DL3018', summary: 'Pin versions in apk add', coverage: 'hadolint', codes: [], note: PINNING },
  { id: 'DL3019', summary: 'Use apk add --no-cache', coverage: 'hadolint', codes: [], note: CLEANUP },
  { id: 'DL3020', summary: 'Use COPY instead of ADD for files and folders', coverage: 'hadolint', codes: [], note: 'Style; hpclint reports the risky form, `ADD <url>` without `--checksum` (HPC-SEC-003).' },
  { id: 'DL3021', summary: 'COPY with more than 2 arguments needs a destination ending in /', coverage: 'same', codes: ['dockerfile-utils/INVALID_DESTINATION'], note: "dockerfile-utils' syntax check." },
  { id: 'DL3022', summary: 'COPY --from should reference a previously defined FROM alias', coverage: 'hadolint', codes: [], note: 'The build fails at once with a clear message.' },
  { id: 'DL3023', summary: 'COPY --from cannot reference its own FROM alias', coverage: 'hadolint', codes: [], note: 'The build fails at once with a clear message.' },
  { id: 'DL3024', summary: 'FROM aliases must be unique', coverage: 'same', codes: ['dockerfile-utils/DUPLICATE_BUILD_STAGE_NAME'], note: "dockerfile-utils' syntax check." },
  { id: 'DL3025', summary: 'Use JSON notation for CMD and ENTRYPOINT', coverage: 'part', codes: ['HPC-USE-001'], selects: onInstruction('ENTRYPOINT'), note: 'HPC-USE-001 reports a shell-form ENTRYPOINT, which drops the arguments of `docker run`/`apptainer run`; a shell-form CMD is left alone.' },
  { id: 'DL3026', summary: 'Use only an allowed registry in FROM', coverage: 'same', codes: ['HPC-SEC-002'], note: 'HPC-SEC-002 with `trustedRegistries` (read from `.hadolint.yaml` too; globs such as `*.gcr.io` work).' },
  { id: 'DL3027', summary: 'Do not use apt, use apt-get or apt-cache', coverage: 'hadolint', codes: [], note: "Style (apt's output is not meant for scripts); no HPC impact." },
  { id: 'DL3028', summary: 'Pin versions in gem install', coverage: 'hadolint', codes: [], note: PINNING },
  { id: 'DL3029', summary: 'Do not use --platform with FROM', coverage: 'part', codes: ['HPC-PORT-004'], selects: onInstruction('FROM'), note: 'HPC-PORT-004 reports a constant `--platform` (one architecture only); `--platform=$BUILDPLATFORM`-style variables are fine.' },
  { id: 'DL3030', summary: 'Use the -y switch with yum install', coverage: 'hadolint', codes: [], note: NON_INTERACTIVE },
  { id: 'DL3032', summary: 'yum clean all missing', coverage: 'same', codes: ['HPC-PERF-006'], selects: saying(/^`yum /), note: 'HPC-PERF-006 reports yum installs without `yum clean all` in the same RUN (a hint: image weight), with a safe fix.' },
  { id: 'DL3033', summary: 'Pin versions in yum install', coverage: 'hadolint', codes: [], note: PINNING },
  { id: 'DL3034', summary: 'Non-interactive switch missing from zypper', coverage: 'hadolint', codes: [], note: NON_INTERACTIVE },
  { id: 'DL3035', summary: 'Do not use zypper dist-upgrade', coverage: 'hadolint', codes: [], note: 'Upgrading the distribution in a build is generic hygiene; hpclint reports end-of-life bases (HPC-EOL-001–003) instead.' },
  { id: 'DL3036', summary: 'zypper clean missing', coverage: 'hadolint', codes: [], note: CLEANUP },
  { id: 'DL3037', summary: 'Pin versions in zypper install', coverage: 'hadolint', codes: [], note: PINNING },
  { id: 'DL3038', summary: 'Use the -y switch with dnf install', coverage: 'hadolint', codes: [], note: NON_INTERACTIVE },
  { id: 'DL3040', summary: 'dnf clean all missing', coverage: 'same', codes: ['HPC-PERF-006'], selects: saying(/^`(micro)?dnf5? /), note: 'HPC-PERF-006 reports dnf/microdnf installs without `dnf clean all` in the same RUN (a hint: image weight), with a safe fix.' },
  { id: 'DL3041', summary: 'Pin versions in dnf install', coverage: 'hadolint', codes: [], note: PINNING },
  { id: 'DL3042', summary: 'Avoid the pip cache: --no-cache-dir', coverage: 'same', codes: ['HPC-PERF-006'], selects: saying(/^`pip install` without/), note: 'HPC-PERF-006 reports `pip install` without `--no-cache-dir` or `PIP_NO_CACHE_DIR` (a hint; info for a `torch` wheel), with a safe fix.' },
  { id: 'DL3043', summary: 'ONBUILD, FROM or MAINTAINER triggered from within ONBUILD', coverage: 'same', codes: ['dockerfile-utils/ONBUILD_TRIGGER_DISALLOWED', 'dockerfile-utils/ONBUILD_CHAINING_DISALLOWED'], note: "dockerfile-utils' syntax checks." },
  { id: 'DL3044', summary: 'Do not refer to an ENV variable within the same ENV statement', coverage: 'hadolint', codes: [], note: 'Generic Dockerfile semantics.' },
  { id: 'DL3045', summary: 'COPY to a relative destination without WORKDIR', coverage: 'hadolint', codes: [], note: 'Generic Dockerfile semantics.' },
  { id: 'DL3046', summary: 'useradd without -l and a high UID', coverage: 'hadolint', codes: [], note: SIZE },
  { id: 'DL3047', summary: 'wget without --progress bloats build logs', coverage: 'hadolint', codes: [], note: 'Log-size advice: it never makes a build or a job fail.' },
  { id: 'DL3048', summary: 'Invalid label key', coverage: 'hadolint', codes: [], note: LABELS },
  { id: 'DL3049', summary: 'Label is missing (label-schema)', coverage: 'part', codes: ['HPC-LIC-006', 'HPC-SEC-008'], selects: saying(/\blabels?\b|licence/i), note: 'HPC-LIC-006 (licences) and HPC-SEC-008 (source, revision, version, created) ask for the OCI labels; an `org.opencontainers.image.licenses` entry in the `label-schema` of `.hadolint.yaml` makes HPC-LIC-006 a warning.' },
  { id: 'DL3050', summary: 'Superfluous label (strict-labels)', coverage: 'hadolint', codes: [], note: LABELS },
  { id: 'DL3051', summary: 'Label is empty', coverage: 'hadolint', codes: [], note: `${LABELS} An empty licence label is HPC-LIC-006.` },
  { id: 'DL3052', summary: 'Label is not a valid URL', coverage: 'hadolint', codes: [], note: LABELS },
  { id: 'DL3053', summary: 'Label is not a valid RFC 3339 time', coverage: 'hadolint', codes: [], note: LABELS },
  { id: 'DL3054', summary: 'Label is not a valid SPDX identifier', coverage: 'hadolint', codes: [], note: LABELS },
  { id: 'DL3055', summary: 'Label is not a valid git hash', coverage: 'hadolint', codes: [], note: LABELS },
  { id: 'DL3056', summary: 'Label does not conform to semantic versioning', coverage: 'hadolint', codes: [], note: LABELS },
  { id: 'DL3057', summary: 'HEALTHCHECK instruction missing', coverage: 'hadolint', codes: [], note: 'Off in hadolint too; HPC runtimes ignore HEALTHCHECK (HPC-BUILD-002 says so when it matters).' },
  { id: 'DL3058', summary: 'Label is not a valid RFC 5322 email', coverage: 'hadolint', codes: [], note: LABELS },
  { id: 'DL3059', summary: 'Multiple consecutive RUN instructions', coverage: 'hadolint', codes: [], note: 'Layer count matters near the 125-layer limit (base layers included), which HPC-BUILD-001 reports; merging RUNs is otherwise style.' },
  { id: 'DL3060', summary: 'yarn cache clean missing', coverage: 'hadolint', codes: [], note: CLEANUP },
  { id: 'DL3061', summary: 'Instructions before FROM other than ARG', coverage: 'same', codes: ['hpclint/parse'], selects: saying(/before the first FROM/), note: "hpclint's parser reports it (`… before the first FROM: only ARG may come before FROM`)." },
  { id: 'DL3062', summary: 'Pin versions in go install', coverage: 'same', codes: ['HPC-MAINT-001'], selects: saying(/^`go (install|get) /), note: 'HPC-MAINT-001 reports `go install …@latest` and unversioned modules with the other unpinned VCS fetches.' },
  { id: 'DL3063', summary: 'Stage name is a reserved word', coverage: 'hadolint', codes: [], note: 'The build fails at once with a clear message.' },
  { id: 'DL3064', summary: 'Sensitive data in ARG or ENV', coverage: 'part', codes: ['HPC-SEC-005'], selects: onInstruction('ARG', 'ENV'), note: 'HPC-SEC-005 also finds secrets in headers, `%arguments` and copied key files.' },
  { id: 'DL3065', summary: 'FROM --platform=$TARGETPLATFORM is redundant', coverage: 'hadolint', codes: [], note: 'Style: the build is the same with or without it.' },
  { id: 'DL3066', summary: 'Non-numeric USER may not resolve on the host', coverage: 'hadolint', codes: [], note: 'Under Apptainer the user is the caller anyway: HPC-BUILD-002 notes that USER does not carry over.' },
  { id: 'DL3067', summary: 'Copying an entire filesystem from another stage', coverage: 'hadolint', codes: [], note: SIZE },
  { id: 'DL4000', summary: 'MAINTAINER is deprecated', coverage: 'same', codes: ['dockerfile-utils/DEPRECATED_MAINTAINER'], note: "dockerfile-utils' syntax check." },
  { id: 'DL4001', summary: 'Use either wget or curl, not both', coverage: 'hadolint', codes: [], note: SIZE },
  { id: 'DL4003', summary: 'Multiple CMD instructions', coverage: 'same', codes: ['dockerfile-utils/MULTIPLE_INSTRUCTIONS'], selects: onInstruction('CMD'), note: "dockerfile-utils' syntax check." },
  { id: 'DL4004', summary: 'Multiple ENTRYPOINT instructions', coverage: 'same', codes: ['dockerfile-utils/MULTIPLE_INSTRUCTIONS'], selects: onInstruction('ENTRYPOINT'), note: "dockerfile-utils' syntax check." },
  { id: 'DL4005', summary: 'Use SHELL to change the default shell', coverage: 'hadolint', codes: [], note: 'Generic Dockerfile style; ShellCheck runs in the dialect SHELL selects.' },
  { id: 'DL4006', summary: 'Set -o pipefail before RUN with a pipe', coverage: 'hadolint', codes: [], note: 'Generic shell hygiene; hpclint reports the dangerous pipes (`curl … | sh`, HPC-SEC-003) and lost fail-fast in `%post` (HPC-DEF-013).' },
];

/** ShellCheck codes in hadolint pragmas and settings (`SC2086`) are hpclint's `shellcheck/SC2086`. */
export const SHELLCHECK_NOTE = "hadolint runs ShellCheck on shell-form RUN; hpclint runs the `shellcheck` binary on RUN, shell-form CMD/ENTRYPOINT/HEALTHCHECK and every definition-file script section, with the codes hadolint excludes (SC1090, SC1091, SC2187) off by default.";

const BY_ID = new Map(HADOLINT_CHECKS.map((check) => [check.id, check]));

export function hadolintCheck(id: string): CompatCheck | undefined {
  return BY_ID.get(id.trim().toUpperCase());
}
