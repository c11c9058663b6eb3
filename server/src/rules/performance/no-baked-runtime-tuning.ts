// HPC-PERF-005: thread counts and pinning (OMP_NUM_THREADS, MKL_NUM_THREADS, I_MPI_PIN…) fixed in the image's run-time environment.
import { defineRule, type Fix, type Severity } from '../../engine/rule';
import { replace, unsafeFix } from '../../engine/fixBuilder';
import type { EnvStep, KeyValue } from '../../recipe/model';
import { environmentFileWrites } from '../util/environment-file';
import { finalStageChain, rangeInWord } from '../util/source';
import docs from './no-baked-runtime-tuning.md';

interface TuningVariable {
  name: RegExp;
  what: string;
  /** What goes wrong when the job's own value is overridden. */
  consequence: string;
  /** Defaults to the rule's warning. */
  severity?: Severity;
}

const THREADS_OR_BINDING = 'hybrid MPI+OpenMP jobs get the wrong thread count or binding';

const VARIABLES: readonly TuningVariable[] = [
  { name: /^OMP_(NUM_THREADS|THREAD_LIMIT)$/, what: 'fixes the OpenMP thread count', consequence: THREADS_OR_BINDING },
  { name: /^(?!.*MAX)[A-Z0-9]+_NUM_THREADS$/, what: 'fixes a library\'s thread count', consequence: THREADS_OR_BINDING },
  { name: /^OMP_(PROC_BIND|PLACES)$|^KMP_(AFFINITY|HW_SUBSET)$|^GOMP_CPU_AFFINITY$/, what: 'fixes where OpenMP threads are pinned', consequence: THREADS_OR_BINDING },
  { name: /^I_MPI_PIN/, what: 'fixes Intel MPI\'s process pinning', consequence: 'ranks are pinned for one node type, not the one the job runs on' },
  { name: /^MV2_CPU_(BINDING_POLICY|BINDING_LEVEL|MAPPING)$|^MV2_ENABLE_AFFINITY$/, what: 'fixes MVAPICH2\'s process pinning', consequence: 'ranks are pinned for one node type, not the one the job runs on' },
  { name: /^OMPI_MCA_(hwloc_base_binding_policy|rmaps_base_mapping_policy)$/, what: 'fixes Open MPI\'s binding or mapping policy', consequence: 'ranks are pinned for one node type, not the one the job runs on' },
  // A tuning default of one application (ComEx's outstanding non-blocking operations), not threads or pinning: advice.
  { name: /^COMEX_/, what: 'fixes a Global Arrays ComEx run-time setting', consequence: 'a job that tunes it for its own machine must use `APPTAINERENV_` to reach it', severity: 'info' },
];

function tuningOf(name: string, value: string): TuningVariable | undefined {
  // Empty values unset nothing useful; values built from variables (`${OMP_NUM_THREADS:-4}`) respect the job's setting.
  if (value === '' || value.includes('$') || value.includes('`')) {
    return undefined;
  }
  return VARIABLES.find((variable) => variable.name.test(name));
}

function message(name: string, value: string, tuning: TuningVariable, where: string): string {
  return (
    `\`${name}=${value}\` ${tuning.what} for every run (${where}): Apptainer applies it after the host environment, so it ` +
    `overrides what the job script and the scheduler set (${tuning.consequence}). ` +
    `Keep a default only: \`${name}=\${${name}:-${value}}\`.`
  );
}

/** True when the section reads the variable itself (`if [ -z "$OMP_NUM_THREADS" ]; then …`): it already respects the job. */
function consultsVariable(step: EnvStep, name: string): boolean {
  const text = step.script?.text ?? '';
  return new RegExp(`\\$\\{?${name}\\b`).test(text);
}

const PLAIN_VALUE = /^[\w.,:/+-]+$/;

function defaultFix(pair: KeyValue, name: string): Fix | undefined {
  const value = pair.value;
  if (!value || !PLAIN_VALUE.test(value.value)) {
    return undefined;
  }
  return unsafeFix(`Keep ${value.value} only as a default: \${${name}:-${value.value}}`, replace(value.range, `\${${name}:-${value.value}}`));
}

function checkEnvironment(step: EnvStep, report: (pair: KeyValue, tuning: TuningVariable, text: string, fix?: Fix) => void): void {
  for (const pair of step.pairs) {
    const name = pair.key.value;
    const value = pair.value?.value.trim() ?? '';
    const tuning = tuningOf(name, value);
    if (tuning && !consultsVariable(step, name)) {
      report(pair, tuning, message(name, value, tuning, step.keyword), defaultFix(pair, name));
    }
  }
}

export default defineRule({
  meta: {
    code: 'HPC-PERF-005',
    name: 'no-baked-runtime-tuning',
    category: 'performance',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    locality: 'command',
    fix: 'unsafe',
  },
  docs,
  check(context) {
    const { recipe } = context;
    for (const stage of finalStageChain(recipe)) {
      for (const step of stage.steps) {
        // Docker ENV becomes `export NAME="${NAME:-value}"` in an Apptainer image: a default the job can override.
        if (step.kind === 'env' && recipe.format === 'apptainer') {
          checkEnvironment(step, (pair, tuning, text, fix) =>
            context.report({ range: pair.range, severity: tuning.severity, message: text, fixes: fix ? [fix] : undefined }),
          );
          continue;
        }
        if (step.kind !== 'run' || /^%setup$/i.test(step.keyword)) {
          continue;
        }
        for (const command of step.script.commands) {
          for (const write of environmentFileWrites(recipe, command)) {
            const tuning = tuningOf(write.name, write.value);
            if (tuning) {
              context.report({
                range: rangeInWord(recipe, write.word, write.start, write.end),
                severity: tuning.severity,
                message: message(write.name, write.value, tuning, `written to the container environment in ${step.keyword}`),
              });
            }
          }
        }
      }
    }
  },
});
