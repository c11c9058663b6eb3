// HPC-PERF-002: MPI built from source without any high-speed interconnect support (TCP/shared memory only).
import { defineRule, type Fix } from '../../engine/rule';
import { insert, replace, unsafeFix } from '../../engine/fixBuilder';
import type { Recipe, ShellCommand, ShellScript, Stage, Word } from '../../recipe/model';
import { allScripts, flagValue, resolveVariable } from '../../recipe/query';
import { effectiveName, effectiveWords } from '../util/commands';
import { finalStageChain, isShipped } from '../util/source';
import docs from './interconnect-aware-mpi.md';
import type { RuleContext } from '../../engine/rule';
import { activeSites } from '../../site/checks';
import { fabricProblems, type FabricBuild } from '../../site/fabric';
import type { Site } from '../../site/profile';

type Project = 'openmpi' | 'mpich' | 'mvapich' | 'libfabric' | 'ucx' | 'other';

const PROJECT_PATTERNS: readonly [Project, RegExp][] = [
  ['mvapich', /mvapich/i],
  ['openmpi', /open-?mpi|(?:^|[/_-])ompi(?:[-_./]|$)/i],
  ['mpich', /mpich/i],
  ['libfabric', /libfabric/i],
  ['ucx', /(?:^|[/_-])(?:open)?ucx(?:[-_./]|$)/i],
];

/** Open MPI configure options that enable a high-speed transport. */
const OPENMPI_FABRIC_FLAGS = ['--with-ucx', '--with-ofi', '--with-libfabric', '--with-verbs', '--with-psm2', '--with-psm', '--with-mxm', '--with-portals4', '--with-cxi'];
/** Words showing that fabric libraries are (or will be) in the image, so Open MPI's configure can find them by itself. */
const FABRIC_LIBRARY = /ucx|libfabric|rdma-core|ibverbs|psm2|mlnx|ofed|(?:^|[^a-z])efa(?:[^a-z]|$)|opa-|libcxi|verbs/i;
/** MPICH devices that only speak TCP (or sockets). */
const TCP_DEVICE = /^ch3:(?:sock|nemesis(?::tcp)?)$/;

function projectIn(text: string): Project | undefined {
  return PROJECT_PATTERNS.find(([, pattern]) => pattern.test(text))?.[0];
}

/**
 * Which source tree a `configure` call builds: its `--prefix`, else the last `cd` before it in the same script
 * (a `cd` to something else means another project), else the last tarball, download or clone mentioned before it.
 */
function projectOf(configure: ShellCommand, projectBefore: () => Project | undefined): Project | undefined {
  const prefix = flagValue(configure, '--prefix');
  return (prefix ? projectIn(prefix.value) : undefined) ?? projectBefore();
}

/** The project a command points later commands at: a `cd` into a tree, a tarball, download or clone; undefined when it says nothing. */
function projectNamedBy(command: ShellCommand): Project | undefined {
  const name = effectiveName(command);
  const isCd = name === 'cd' || name === 'pushd';
  if (!isCd && !['tar', 'wget', 'curl', 'git', 'unzip'].includes(name)) {
    return undefined;
  }
  const target = effectiveWords(command)
    .slice(1)
    .map((word) => word.value)
    .join(' ');
  const found = projectIn(target);
  // `cd build` inside the source tree says nothing; a `cd` elsewhere means another project.
  return found ?? (isCd && (/^[/~$]/.test(target) || target === '..' || target === '') ? 'other' : undefined);
}

/** Per command of the script, the project its earlier commands point at (the nearest that says one; one pass). */
function projectsBefore(script: ShellScript): (Project | undefined)[] {
  const projects: (Project | undefined)[] = [];
  let current: Project | undefined;
  for (const command of script.commands) {
    projects.push(current);
    current = projectNamedBy(command) ?? current;
  }
  return projects;
}

function isConfigure(command: ShellCommand): boolean {
  const first = effectiveWords(command)[0]?.value ?? '';
  return /(^|\/)configure$/.test(first) && first !== 'configure';
}

function namesFabricLibrary(command: ShellCommand): boolean {
  for (const word of command.words) {
    if (FABRIC_LIBRARY.test(word.value)) {
      return true;
    }
  }
  return false;
}

/** True when something in the image (packages, source builds, base image name) provides fabric libraries. */
function imageHasFabricLibraries(recipe: Recipe, stages: readonly Stage[]): boolean {
  if (stages.some((stage) => FABRIC_LIBRARY.test(stage.base.raw))) {
    return true;
  }
  const members = new Set(stages);
  return allScripts(recipe).some(
    ({ script, stage }) => members.has(stage) && script.commands.some(namesFabricLibrary),
  );
}

/** Stages whose content can reach `stage`: the stage, the stages it builds on, and (for multi-stage copies) every stage. */
function relatedStages(recipe: Recipe, stage: Stage): readonly Stage[] {
  return recipe.stages.length > 1 ? recipe.stages : isShipped(recipe, stage) ? finalStageChain(recipe) : [stage];
}

/** A configure argument with `$VAR`/`${VAR}` expanded from ARG/ENV defaults and split like the shell would (unquoted). */
function expandWord(recipe: Recipe, stage: Stage, word: Word): string[] {
  if (!word.value.includes('$')) {
    return [word.value];
  }
  const value = word.value.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, braced: string | undefined, plain: string | undefined) => resolveVariable(recipe, stage, braced ?? plain ?? '', word.range.start.line) ?? '');
  return word.text.startsWith('"') ? [value] : value.split(/\s+/).filter(Boolean);
}

/** A configure call against the interconnect of each site (its fabric libraries, providers and MPI usage). */
function checkOnSites(
  context: RuleContext,
  sites: readonly Site[],
  configure: { project: Exclude<Project, 'other'>; words: string[]; name: Word; device: Word | undefined },
): void {
  const build: FabricBuild = { project: configure.project, options: configure.words };
  for (const problem of fabricProblems(sites, build)) {
    const range = (problem.option && configure.device && problem.option.startsWith('--with-device') ? configure.device.range : undefined) ?? configure.name.range;
    context.report({ range, message: problem.message, severity: problem.severity, site: problem.fact });
  }
}

function appendFlagFix(configure: ShellCommand, flag: string, title: string): Fix {
  const last = configure.words[configure.words.length - 1] as Word;
  return unsafeFix(title, insert(last.range.end, ` ${flag}`));
}

export default defineRule({
  meta: {
    code: 'HPC-PERF-002',
    name: 'interconnect-aware-mpi',
    category: 'performance',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    fix: 'unsafe',
  },
  docs,
  check(context) {
    const { recipe } = context;
    const sites = activeSites(context.settings).filter((site) => site.profile.interconnect);
    // One answer per recipe: with several stages every stage's related stages are all of them, with one there is one stage.
    let fabric: boolean | undefined;
    const hasFabric = (stage: Stage): boolean => (fabric ??= imageHasFabricLibraries(recipe, relatedStages(recipe, stage)));
    for (const { script, stage } of allScripts(recipe)) {
      let projects: (Project | undefined)[] | undefined; // once per script: looking back from each configure was quadratic
      script.commands.forEach((command, index) => {
        if (!isConfigure(command)) {
          return;
        }
        const project = projectOf(command, () => (projects ??= projectsBefore(script))[index]);
        const words = effectiveWords(command).slice(1);
        // Variables are expanded only for the MPI projects, the only ones whose flags are read.
        const expanded = (): string[] => words.flatMap((word) => expandWord(recipe, stage, word));
        const name = effectiveWords(command)[0] as Word;
        if (sites.length > 0 && project !== undefined && project !== 'other') {
          checkOnSites(context, sites, { project, words: expanded(), name, device: flagValue(command, '--with-device') });
        }
        if (project === 'openmpi') {
          const enabled = expanded().some((value) => OPENMPI_FABRIC_FLAGS.some((flag) => (value === flag || value.startsWith(`${flag}=`)) && !/=no$/.test(value)));
          if (enabled || hasFabric(stage)) {
            return;
          }
          context.report({
            range: name.range,
            message:
              'Open MPI is configured without `--with-ucx`/`--with-ofi`/`--with-verbs` and nothing in the image provides UCX, libfabric or libibverbs: it can only use TCP and ' +
              'shared memory, so multi-node jobs crawl over Ethernet on InfiniBand/Slingshot clusters. Install libfabric/UCX and configure `--with-ofi`/`--with-ucx`.',
            fixes: [appendFlagFix(command, '--with-ofi', 'Add `--with-ofi` (install libfabric development files too)')],
          });
        } else if (project === 'mpich' || project === 'mvapich') {
          const family = project === 'mpich' ? 'MPICH' : 'MVAPICH2';
          const remedy = project === 'mpich' ? 'Use `ch4:ofi` (or `ch4:ucx`).' : 'Use its default InfiniBand device `ch3:mrail` (or `ch3:psm` for Omni-Path).';
          const device = flagValue(command, '--with-device');
          const viaVariable = device ? undefined : expanded().find((value) => /^--with-device=/.test(value));
          if (viaVariable && TCP_DEVICE.test(viaVariable.slice('--with-device='.length))) {
            context.report({
              range: name.range,
              severity: 'info',
              message: `This ${family} build uses \`${viaVariable}\` (from a variable), which only speaks TCP: on InfiniBand/Slingshot nodes jobs run over Ethernet unless the host MPI is swapped in at run time. ${remedy}`,
            });
          }
          if (device && TCP_DEVICE.test(device.value)) {
            context.report({
              range: device.range,
              severity: 'info',
              message: `${family} device \`${device.value}\` only speaks TCP: on InfiniBand/Slingshot nodes jobs run over Ethernet unless the host MPI is swapped in at run time. ${remedy}`,
              fixes: project === 'mpich' ? [unsafeFix('Use the libfabric device `ch4:ofi` (MPICH ≥ 3.3)', replace(device.range, 'ch4:ofi'))] : [],
            });
          }
        } else if (project === 'libfabric' && sites.length === 0) {
          // With a site profile the site path above judges the providers against the real interconnect.
          const disabled = words.find((word) => word.value === '--disable-verbs' || word.value === '--enable-verbs=no');
          if (disabled) {
            context.report({
              range: disabled.range,
              severity: 'info',
              message: `\`${disabled.value}\` builds libfabric without its verbs provider: on InfiniBand/RoCE nodes MPI falls back to the TCP provider. Keep verbs unless the image only targets Slingshot/EFA.`,
            });
          }
        }
      });
    }
  },
});
