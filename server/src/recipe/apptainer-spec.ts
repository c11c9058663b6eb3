// Definition-file vocabulary (Apptainer / SingularityCE), from hpc-rules.md §a.
// Used by the parser (section kinds), the validity rules (HPC-DEF-*) and completion/hover.
import type { StepKind } from './model';

/** Which runtimes accept a feature. */
export type Dialect = 'both' | 'apptainer';

// ---------------------------------------------------------------- header keywords

export interface HeaderKeywordSpec {
  /** Canonical spelling, e.g. `MirrorURL`; `OtherURL<N>` is written `OtherURL0`, `OtherURL1`, … */
  name: string;
  /** Lower-cased lookup key (`otherurl` for the numbered `OtherURL<N>`). */
  key: string;
  /** Agents that read this key; `all` for every agent. */
  agents: readonly string[] | 'all';
  /** `always` = every stage; `agent` = required by the agents in `requiredFor`; `no` = optional. */
  required: 'always' | 'agent' | 'no';
  requiredFor?: readonly string[];
  dialect: Dialect;
  /** First Apptainer / SingularityCE version that accepts the key, when later than 3.0. */
  sinceApptainer?: string;
  sinceSingularityCE?: string;
  /** Key takes a numeric suffix (`OtherURL0`, `OtherURL1`, …). */
  numbered?: boolean;
  /** Accepted by the parser but not used by current Apptainer. */
  legacy?: boolean;
  /** The value is a secret (registration code). */
  credential?: boolean;
  doc: string;
}

const REGISTRY_AGENTS = ['docker', 'docker-daemon', 'docker-archive', 'oci', 'oci-archive', 'library', 'oras', 'shub', 'localimage', 'buildkit', 'dockerfile'];
const ZYPPER = ['zypper'];

export const HEADER_KEYWORDS: readonly HeaderKeywordSpec[] = [
  { name: 'Bootstrap', key: 'bootstrap', agents: 'all', required: 'always', dialect: 'both',
    doc: 'Bootstrap agent that creates the base operating system (docker, library, oras, localimage, yum, debootstrap, …). Required, and must be the first header line of every stage.' },
  { name: 'From', key: 'from', agents: REGISTRY_AGENTS, required: 'agent', requiredFor: REGISTRY_AGENTS, dialect: 'both',
    doc: 'Base image: `<registry>/<namespace>/<image>:<tag>@<digest>` for docker/oci agents, `<entity>/<collection>/<container>:<tag>` for library, a SIF file or sandbox for localimage, a tar path for *-archive, a build-context directory for buildkit/dockerfile.' },
  { name: 'Registry', key: 'registry', agents: ['docker'], required: 'no', dialect: 'both',
    doc: 'Registry the docker agent pulls `From:` from (default `index.docker.io`).' },
  { name: 'Namespace', key: 'namespace', agents: ['docker'], required: 'no', dialect: 'both',
    doc: 'Namespace the docker agent prefixes to `From:` (default `library`).' },
  { name: 'Library', key: 'library', agents: ['library'], required: 'agent', requiredFor: ['library'], dialect: 'both',
    doc: 'Library server URL for the library agent. Apptainer ships no default library, so it must be given (or configured as a remote).' },
  { name: 'Fingerprints', key: 'fingerprints', agents: ['library', 'oras', 'localimage'], required: 'no', dialect: 'both',
    doc: 'Comma-separated PGP fingerprints (since Singularity 3.7.0, before both forks); the build fails unless the base SIF is signed by all of them. No effect on non-SIF bases.' },
  { name: 'Stage', key: 'stage', agents: 'all', required: 'no', dialect: 'both',
    doc: 'Name of this build stage in a multi-stage file; later stages copy from it with `%files from <stage>`.' },
  { name: 'MirrorURL', key: 'mirrorurl', agents: ['yum', 'dnf', 'debootstrap', 'busybox', 'zypper'], required: 'agent', requiredFor: ['yum', 'dnf', 'debootstrap', 'busybox'], dialect: 'both',
    doc: 'Package mirror the OS is bootstrapped from; may contain `%{OSVERSION}`.' },
  { name: 'OSVersion', key: 'osversion', agents: ['yum', 'dnf', 'debootstrap', 'zypper'], required: 'agent', requiredFor: ['debootstrap'], dialect: 'both',
    doc: 'OS release to bootstrap: the codename for debootstrap (required); substituted for `%{OSVERSION}` in MirrorURL for yum/dnf/zypper.' },
  { name: 'Include', key: 'include', agents: ['yum', 'dnf', 'debootstrap', 'zypper', 'arch'], required: 'no', dialect: 'both',
    doc: 'Extra packages installed while bootstrapping the base OS.' },
  { name: 'UpdateURL', key: 'updateurl', agents: ['yum', 'dnf', 'zypper'], required: 'no', dialect: 'both',
    doc: 'Additional update repository used while bootstrapping.' },
  { name: 'SetOpt', key: 'setopt', agents: ['yum', 'dnf'], required: 'no', dialect: 'both',
    doc: 'Options passed to dnf/yum as `--setopt` while bootstrapping.' },
  { name: 'Product', key: 'product', agents: ZYPPER, required: 'no', dialect: 'both',
    doc: 'SUSE product to register (SLE); needs User and Regcode too.' },
  { name: 'User', key: 'user', agents: ZYPPER, required: 'no', dialect: 'both',
    doc: 'SUSE registration user (SLE); needs Product and Regcode too.' },
  { name: 'Regcode', key: 'regcode', agents: ZYPPER, required: 'no', dialect: 'both', credential: true,
    doc: 'SUSE registration code (SLE). This is a credential and is embedded in the image with the definition file.' },
  { name: 'ProductPGP', key: 'productpgp', agents: ZYPPER, required: 'no', dialect: 'both',
    doc: 'PGP key of the SUSE product repository.' },
  { name: 'RegisterURL', key: 'registerurl', agents: ZYPPER, required: 'no', dialect: 'both',
    doc: 'Registration server for SUSE products (e.g. an SMT/RMT server).' },
  { name: 'Modules', key: 'modules', agents: ZYPPER, required: 'no', dialect: 'both',
    doc: 'SLE modules to register.' },
  { name: 'OtherURL0', key: 'otherurl', agents: ZYPPER, required: 'no', dialect: 'both', numbered: true,
    doc: 'Additional repositories for zypper, numbered `OtherURL0`, `OtherURL1`, …' },
  { name: 'ConfURL', key: 'confurl', agents: ['arch'], required: 'no', dialect: 'apptainer',
    doc: 'URL of the pacman.conf used by the arch agent (Apptainer only).' },
  { name: 'Target', key: 'target', agents: ['buildkit', 'dockerfile'], required: 'no', dialect: 'apptainer', sinceApptainer: '1.5.0',
    doc: 'BuildKit target stage of the Dockerfile to build (Apptainer ≥ 1.5).' },
  { name: 'Frontend', key: 'frontend', agents: ['buildkit', 'dockerfile'], required: 'no', dialect: 'apptainer', sinceApptainer: '1.5.0',
    doc: 'BuildKit frontend used to build the Dockerfile (Apptainer ≥ 1.5).' },
  { name: 'Filename', key: 'filename', agents: ['buildkit', 'dockerfile'], required: 'no', dialect: 'apptainer', sinceApptainer: '1.5.0',
    doc: 'Dockerfile name inside the build context (Apptainer ≥ 1.5).' },
  { name: 'BuildArgs', key: 'buildargs', agents: ['buildkit', 'dockerfile'], required: 'no', dialect: 'apptainer', sinceApptainer: '1.5.0',
    doc: 'Build arguments passed to BuildKit (Apptainer ≥ 1.5).' },
  { name: 'IncludeCmd', key: 'includecmd', agents: ['docker'], required: 'no', dialect: 'both', legacy: true,
    doc: 'Singularity 2.x docker-agent key; Apptainer and SingularityCE accept and ignore it (the runscript runs ENTRYPOINT with CMD as default arguments).' },
];

const HEADER_BY_KEY = new Map(HEADER_KEYWORDS.map((spec) => [spec.key, spec]));

/** The keyword spec for a header key (any case); `OtherURL7` finds `OtherURL<N>` like Apptainer does. */
export function headerKeyword(key: string): HeaderKeywordSpec | undefined {
  const lower = key.toLowerCase();
  const direct = HEADER_BY_KEY.get(lower);
  if (direct && !direct.numbered) {
    return direct;
  }
  const stem = lower.replace(/\d+$/, '');
  const numbered = stem !== lower ? HEADER_BY_KEY.get(stem) : undefined;
  return numbered?.numbered ? numbered : undefined;
}

// ---------------------------------------------------------------- bootstrap agents

export interface BootstrapAgentSpec {
  /** Lower-case agent name as written after `Bootstrap:`. */
  name: string;
  /** Same agent under another name (`dnf` → `yum`, `dockerfile` → `buildkit`). */
  aliasOf?: string;
  /** Lower-cased header keys the agent needs (see HPC-DEF-004). */
  requiredKeys: readonly string[];
  dialect: Dialect;
  sinceApptainer?: string;
  /** `From:` is an image reference the parser turns into `Stage.base.image`. */
  imageReference: boolean;
  /** Bootstrapping runs the host's package tools (yum, debootstrap, …). */
  needsHostTools?: boolean;
  /** Source no longer accepts new images. */
  archived?: boolean;
  /** In the docs' "preferred" set. */
  preferred?: boolean;
  doc: string;
}

export const BOOTSTRAP_AGENTS: readonly BootstrapAgentSpec[] = [
  { name: 'docker', requiredKeys: ['from'], dialect: 'both', imageReference: true, preferred: true,
    doc: 'Pulls the base from an OCI/Docker registry (`From: ubuntu:22.04`, registry defaults to Docker Hub).' },
  { name: 'docker-daemon', requiredKeys: ['from'], dialect: 'both', imageReference: true,
    doc: 'Takes the base from the local Docker daemon (`From: image:tag`, both parts required).' },
  { name: 'docker-archive', requiredKeys: ['from'], dialect: 'both', imageReference: false,
    doc: 'Takes the base from a `docker save` tar archive (`From:` = path).' },
  { name: 'oci', requiredKeys: ['from'], dialect: 'both', imageReference: true,
    doc: 'Takes the base from an OCI image layout directory (`From:` = path[:tag]).' },
  { name: 'oci-archive', requiredKeys: ['from'], dialect: 'both', imageReference: false,
    doc: 'Takes the base from an OCI archive tar (`From:` = path).' },
  { name: 'library', requiredKeys: ['from', 'library'], dialect: 'both', imageReference: true,
    doc: 'Pulls a SIF from a Library server (`From: entity/collection/container:tag`). Apptainer has no default library: set `Library:`.' },
  { name: 'oras', requiredKeys: ['from'], dialect: 'both', imageReference: true, preferred: true,
    doc: 'Pulls a SIF stored as an OCI artifact in a registry via ORAS.' },
  { name: 'shub', requiredKeys: ['from'], dialect: 'both', imageReference: true, archived: true,
    doc: 'Pulls from Singularity Hub, a read-only archive since 2021-04-26 (no new builds).' },
  { name: 'localimage', requiredKeys: ['from'], dialect: 'both', imageReference: false, preferred: true,
    doc: 'Uses a local SIF file or sandbox directory as the base (`From:` = path).' },
  { name: 'yum', requiredKeys: ['mirrorurl'], dialect: 'both', imageReference: false, needsHostTools: true,
    doc: 'Bootstraps an RPM distribution with the host\'s yum/dnf from `MirrorURL:`; the RPM database is written by the host\'s rpm.' },
  { name: 'dnf', aliasOf: 'yum', requiredKeys: ['mirrorurl'], dialect: 'both', imageReference: false, needsHostTools: true,
    doc: 'Same agent as yum: bootstraps an RPM distribution with the host\'s dnf from `MirrorURL:`.' },
  { name: 'debootstrap', requiredKeys: ['mirrorurl', 'osversion'], dialect: 'both', imageReference: false, needsHostTools: true,
    doc: 'Bootstraps Debian/Ubuntu with the host\'s debootstrap from `MirrorURL:`; `OSVersion:` is the release codename.' },
  { name: 'zypper', requiredKeys: [], dialect: 'both', imageReference: false, needsHostTools: true,
    doc: 'Bootstraps openSUSE/SLE with the host\'s zypper; SLE needs `Product`, `User`, `Regcode` and `OSVersion`.' },
  { name: 'busybox', requiredKeys: ['mirrorurl'], dialect: 'both', imageReference: false,
    doc: 'Builds a minimal BusyBox image from the binary at `MirrorURL:`.' },
  { name: 'arch', requiredKeys: [], dialect: 'both', imageReference: false, needsHostTools: true,
    doc: 'Bootstraps Arch Linux with the host\'s pacstrap.' },
  { name: 'scratch', requiredKeys: [], dialect: 'both', imageReference: false, preferred: true,
    doc: 'Starts from an empty file system; everything comes from `%setup`/`%files`.' },
  { name: 'buildkit', requiredKeys: ['from'], dialect: 'apptainer', sinceApptainer: '1.5.0', imageReference: false,
    doc: 'Builds a Dockerfile with BuildKit; `From:` is the build-context directory (Apptainer ≥ 1.5).' },
  { name: 'dockerfile', aliasOf: 'buildkit', requiredKeys: ['from'], dialect: 'apptainer', sinceApptainer: '1.5.0', imageReference: false,
    doc: 'Alias of buildkit: builds a Dockerfile in the `From:` context directory (Apptainer ≥ 1.5).' },
];

const AGENT_BY_NAME = new Map(BOOTSTRAP_AGENTS.map((spec) => [spec.name, spec]));

export function bootstrapAgent(name: string): BootstrapAgentSpec | undefined {
  return AGENT_BY_NAME.get(name.toLowerCase());
}

// ---------------------------------------------------------------- sections

/** How the parser models a section body. */
export type SectionKind = 'script' | 'environment' | 'files' | 'labels' | 'help' | 'arguments';

export interface SectionSpec {
  /** Lower-case name without `%`. */
  name: string;
  kind: SectionKind;
  /** The Step kind the parser produces for it. */
  step: StepKind;
  /** When it takes effect. `parse` = before the build (template values). */
  phase: 'parse' | 'build' | 'runtime' | 'metadata';
  /** Where its script runs, if it is a script. */
  runsOn?: 'host' | 'container';
  /** Takes a SCIF app name (`%apprun <app>`). */
  app: boolean;
  /** Words accepted after the section name (besides the app name). */
  args: readonly string[];
  /** Honours a `#!` first line to pick the interpreter. */
  shebang?: boolean;
  /** Still accepted by the parser but obsolete. */
  legacy?: boolean;
  dialect: Dialect;
  sinceApptainer?: string;
  sinceSingularityCE?: string;
  doc: string;
}

export const SECTIONS: readonly SectionSpec[] = [
  { name: 'arguments', kind: 'arguments', step: 'arg', phase: 'parse', app: false, args: [], dialect: 'both', sinceApptainer: '1.2.0', sinceSingularityCE: '4.0.0',
    doc: '`name=value` defaults for `{{ name }}` placeholders; overridden by `--build-arg` / `--build-arg-file`.' },
  { name: 'setup', kind: 'script', step: 'run', phase: 'build', runsOn: 'host', app: false, args: ['-c'], dialect: 'both',
    doc: 'Runs on the HOST after the base is bootstrapped; the container root is `$APPTAINER_ROOTFS`. Can damage the host.' },
  { name: 'files', kind: 'files', step: 'copy', phase: 'build', app: false, args: ['from'], dialect: 'both',
    doc: 'Copies files into the container before `%post`: one `src [dst]` per line; `%files from <stage>` copies from an earlier stage.' },
  { name: 'post', kind: 'script', step: 'run', phase: 'build', runsOn: 'container', app: false, args: ['-c'], dialect: 'both',
    doc: 'Runs inside the container at build time with a clean environment (`/bin/sh` unless `-c <shell>`; a `#!` line is ignored). Export build-time values via `$APPTAINER_ENVIRONMENT`.' },
  { name: 'test', kind: 'script', step: 'test', phase: 'build', runsOn: 'container', app: false, args: [], shebang: true, dialect: 'both',
    doc: 'Runs at the end of the build (skip with `--notest`) and with `apptainer test`; a non-zero exit fails. `-c` is not supported; use a `#!` line.' },
  { name: 'environment', kind: 'environment', step: 'env', phase: 'runtime', runsOn: 'container', app: false, args: [], dialect: 'both',
    doc: 'Sourced at RUNTIME only, not during the build. Use `export FOO=${FOO:-default}` to let the host override.' },
  { name: 'startscript', kind: 'script', step: 'entrypoint', phase: 'runtime', runsOn: 'container', app: false, args: [], shebang: true, dialect: 'both',
    doc: 'Runs on `apptainer instance start`.' },
  { name: 'runscript', kind: 'script', step: 'entrypoint', phase: 'runtime', runsOn: 'container', app: false, args: [], shebang: true, dialect: 'both',
    doc: 'Runs on `apptainer run` or when the SIF is executed; arguments follow the image name, so end with `exec … "$@"`.' },
  { name: 'labels', kind: 'labels', step: 'label', phase: 'metadata', app: false, args: [], dialect: 'both',
    doc: 'Metadata labels, one per line: name up to the first space, value = rest of the line.' },
  { name: 'help', kind: 'help', step: 'other', phase: 'metadata', app: false, args: [], dialect: 'both',
    doc: 'Text shown by `apptainer run-help`.' },
  { name: 'pre', kind: 'script', step: 'other', phase: 'build', runsOn: 'host', app: false, args: [], legacy: true, dialect: 'both',
    doc: 'From Singularity 2.x and still executed (as `/bin/sh -ex`): runs on the build host, with the build\'s privileges (root under `sudo`), before the base image is fetched. It changes the host, not the image.' },
  { name: 'appinstall', kind: 'script', step: 'run', phase: 'build', runsOn: 'container', app: true, args: [], dialect: 'both',
    doc: 'Build-time install script of a SCIF app (runs in `/scif/apps/<app>`); apps install in first-appearance order.' },
  { name: 'appfiles', kind: 'files', step: 'copy', phase: 'build', app: true, args: [], dialect: 'both',
    doc: 'Files copied into a SCIF app, one `src [dst]` per line.' },
  { name: 'appenv', kind: 'environment', step: 'env', phase: 'runtime', runsOn: 'container', app: true, args: [], dialect: 'both',
    doc: 'Runtime environment of a SCIF app.' },
  { name: 'apprun', kind: 'script', step: 'entrypoint', phase: 'runtime', runsOn: 'container', app: true, args: [], shebang: true, dialect: 'both',
    doc: 'Runscript of a SCIF app (`apptainer run --app <app>`).' },
  { name: 'applabels', kind: 'labels', step: 'label', phase: 'metadata', app: true, args: [], dialect: 'both',
    doc: 'Labels of a SCIF app, one `name value` per line.' },
  { name: 'apphelp', kind: 'help', step: 'other', phase: 'metadata', app: true, args: [], dialect: 'both',
    doc: 'Help text of a SCIF app (`apptainer run-help --app <app>`).' },
  { name: 'appstart', kind: 'script', step: 'entrypoint', phase: 'runtime', runsOn: 'container', app: true, args: [], shebang: true, dialect: 'both',
    doc: 'Startscript of a SCIF app (`apptainer instance start --app <app>`).' },
  { name: 'apptest', kind: 'script', step: 'test', phase: 'build', runsOn: 'container', app: true, args: [], shebang: true, dialect: 'both',
    doc: 'Test script of a SCIF app (`apptainer test --app <app>`).' },
];

const SECTION_BY_NAME = new Map(SECTIONS.map((spec) => [spec.name, spec]));

/** The spec of a section name (without `%`, any case); undefined for sections Apptainer rejects. */
export function sectionSpec(name: string): SectionSpec | undefined {
  return SECTION_BY_NAME.get(name.toLowerCase());
}

// ---------------------------------------------------------------- build variables

export interface BuildVariableSpec {
  name: string;
  /** Sections where the variable is set. */
  sections: readonly string[];
  dialect: Dialect;
  /** The same variable under the other runtime's prefix. */
  alternative?: string;
  doc: string;
}

export const BUILD_VARIABLES: readonly BuildVariableSpec[] = [
  { name: 'APPTAINER_ROOTFS', sections: ['setup'], dialect: 'apptainer', alternative: 'SINGULARITY_ROOTFS',
    doc: 'Path of the container root file system on the host during `%setup`.' },
  { name: 'SINGULARITY_ROOTFS', sections: ['setup'], dialect: 'both', alternative: 'APPTAINER_ROOTFS',
    doc: 'Path of the container root file system on the host during `%setup` (SingularityCE name; Apptainer sets it too).' },
  { name: 'APPTAINER_ENVIRONMENT', sections: ['post'], dialect: 'apptainer', alternative: 'SINGULARITY_ENVIRONMENT',
    doc: 'File whose `export K=V` lines (appended in `%post`) land in `/.singularity.d/env/91-environment.sh` and override `%environment`.' },
  { name: 'SINGULARITY_ENVIRONMENT', sections: ['post'], dialect: 'both', alternative: 'APPTAINER_ENVIRONMENT',
    doc: 'File whose `export K=V` lines (appended in `%post`) land in `/.singularity.d/env/91-environment.sh` (SingularityCE name; Apptainer sets it too).' },
];
