// HPC-LIC-004: commercial ISV applications (ANSYS, Abaqus, COMSOL, MATLAB, Gaussian, VASP, LS-DYNA, STAR-CCM+) installed in the image.
import { defineRule, type Fix, type Severity } from '../../engine/rule';
import type { Stage, Word } from '../../recipe/model';
import { effectiveWords } from '../util/commands';
import { finalLicenseLabels, insertLicenseLabel, LICENSE_LABEL_KEY, PUBLISH_DOCS, publishSeverity } from '../util/licensing';
import { recipeMentions } from '../util/recipe-index';
import { baseName, finalStageChain, withShellCScriptsInstead } from '../util/source';

interface Detector {
  app: string;
  /** Matches one word of a build command or a COPY/%files source. */
  word?: RegExp;
  /** Matches the whole command (program name and its words). */
  command?: (program: string, values: readonly string[]) => boolean;
}

const DETECTORS: readonly Detector[] = [
  { app: 'ANSYS', word: /(^|\/)ansys_inc(\/|$)/i, command: (program, values) => program === 'INSTALL' && values.includes('-silent') },
  { app: 'Abaqus/SIMULIA', word: /(^|\/)(SIMULIA|DassaultSystemes)(\/|$)|(^|\/)StartTUI\.sh$/ },
  { app: 'COMSOL', word: /(^|\/)comsol\d{2,}([_/.-]|$)/i, command: (program, values) => program === 'setup' && values.some((value) => /(^|\/)setupconfig\.ini$/.test(value)) },
  {
    app: 'MATLAB',
    command: (program, values) => program === 'mpm' && values[0] === 'install' && !values.some((value) => /runtime/i.test(value)),
  },
  { app: 'Gaussian', word: /(^|\/)g(09|16)(\/bsd\/install|root)$|(^|\/)g(09|16)[-_][\w.-]*\.(tbz|tbJ|tgz|tar(\.\w+)?)$/i },
  { app: 'VASP', word: /(^|\/)vasp[._-]?\d+\.\d+[\w.-]*\.(tgz|tar(\.\w+)?)$|(^|\/)vasp_(std|gam|ncl)$|(^|\/)arch\/makefile\.include\./ },
  { app: 'LS-DYNA', word: /(^|\/)ls-?dyna[_-][\w.+-]*/i },
  { app: 'STAR-CCM+', word: /STAR-CCM\+|(^|\/)starccm\+/i },
];
/** Lowercase substrings at least one of which every detector needs (word patterns and command checks). */
const KEYWORDS = ['ansys_inc', 'simulia', 'dassaultsystemes', 'starttui.sh', 'comsol', 'g09', 'g16', 'vasp', 'arch/makefile.include.', 'dyna', 'ccm+', '-silent', 'setupconfig.ini', 'mpm'];
/** Commands that only print or edit text that may mention an application. */
const TEXT_TOOLS = new Set(['echo', 'printf', 'sed', 'grep', 'awk', 'perl']);
const ACKNOWLEDGED = /LicenseRef-|proprietary|commercial/i;
const ASSIGNMENT_NAME = /^[A-Za-z_]\w*=/;
/** Union of the detectors' word patterns, case-insensitive: a cheap necessary condition for any of them. */
const ANY_DETECTOR_WORD = new RegExp(
  DETECTORS.flatMap((detector) => (detector.word ? [`(?:${detector.word.source})`] : [])).join('|'),
  'i',
);

export default defineRule({
  meta: {
    code: 'HPC-LIC-004',
    name: 'no-published-commercial-apps',
    category: 'licensing',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    fix: 'unsafe',
    docs: {
      summary: 'Images with commercial ISV applications (ANSYS, Abaqus, COMSOL, MATLAB, Gaussian, VASP, LS-DYNA, STAR-CCM+) must stay private and say so.',
      whatItDoes:
        'Recognises installs of commercial HPC applications in the final image from precise markers in build commands and copied files: ANSYS (`ansys_inc` paths, ' +
        '`INSTALL -silent`), Abaqus/SIMULIA (`SIMULIA`/`DassaultSystemes` paths, `StartTUI.sh`), COMSOL (`setup -s setupconfig.ini`, `comsolNN` paths), a full ' +
        'MATLAB install (`mpm install`, not MATLAB Runtime), Gaussian (`g16/bsd/install`, `G16-*.tbz` archives), VASP (`vasp.6.x.tgz`, `vasp_std`/`vasp_gam`/' +
        '`vasp_ncl`, `arch/makefile.include.*`), LS-DYNA (`ls-dyna_*` binaries) and STAR-CCM+ installers. ' + PUBLISH_DOCS + ' When `publish` is not set, an image whose ' +
        '`org.opencontainers.image.licenses` label already says `LicenseRef-…`/proprietary is not reported.',
      whyHpc:
        'These codes are licensed per site or per research group (VASP and Gaussian source licences, FlexNet-served ANSYS/Abaqus/COMSOL/STAR-CCM+ seats). An image that ' +
        'contains them may only be shared with licensed users, i.e. kept in a private registry or a site-internal Apptainer library. Pushed to a public registry it is a ' +
        'licence breach that can cost the site its licence, and mirrors or collaborators cannot tell from the image that it is restricted.',
      howToFix:
        'Keep the image in a private registry accessible to licensed users only, and declare it: `LABEL org.opencontainers.image.licenses="LicenseRef-Proprietary"` ' +
        '(or `org.opencontainers.image.licenses LicenseRef-Proprietary` in `%labels`). Set `publish: private` in `.hpclint.yaml` for such projects. Alternatively install the ' +
        'application on the site\'s shared file system and bind-mount it at run time. The quick fix adds the label; it is unsafe because it changes the image\'s declared ' +
        'licence, which you should check (the rest of the image may also need naming, e.g. `LicenseRef-Proprietary AND GPL-2.0-only`).',
      bad: [
        { format: 'dockerfile', code: 'FROM ubuntu:22.04\nRUN ./mpm install --release=R2024a --destination=/opt/matlab --products MATLAB Simulink\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: rockylinux:9\n\n%post\n    cd /tmp/vasp.6.4.3 && make DEPS=1 -j std && cp bin/vasp_std /usr/local/bin/\n' },
      ],
      good: [
        {
          format: 'dockerfile',
          code: 'FROM ubuntu:22.04\nLABEL org.opencontainers.image.licenses="LicenseRef-Proprietary"\nRUN ./mpm install --release=R2024a --destination=/opt/matlab --products MATLAB\n',
        },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: rockylinux:9\n\n%environment\n    export ASE_VASP_COMMAND="mpirun vasp_std"\n' },
      ],
      exceptions:
        'Installs hidden in copied scripts are not seen. The MATLAB Runtime (for compiled MATLAB programs) is redistributable and not reported. Using a site-installed ' +
        'application at run time (`ASE_VASP_COMMAND=vasp_std`, `module load ansys` in a runscript) is fine. A site-internal image: `publish: private`.',
      references: [
        'https://github.com/mathworks-ref-arch/matlab-dockerfile',
        'https://www.vasp.at/info/faq/purchase_vasp/',
        'https://gaussian.com/pricing/',
        'https://github.com/opencontainers/image-spec/blob/main/annotations.md',
      ],
    },
  },
  check(context) {
    const severity = publishSeverity(context.settings);
    if (!severity) {
      return;
    }
    const { recipe } = context;
    if (!recipeMentions(recipe, KEYWORDS)) {
      return;
    }
    const labels = finalLicenseLabels(recipe);
    const acknowledged = labels.some((pair) => ACKNOWLEDGED.test(pair.value?.value ?? ''));
    if (acknowledged && context.settings.publish !== 'public') {
      return;
    }
    const chain = finalStageChain(recipe);
    const final = chain[0];
    if (!final) {
      return;
    }
    let fixOffered = false;
    const report = (word: Word, app: string): void => {
      const fixes: Fix[] = [];
      if (!fixOffered && labels.length === 0) {
        fixOffered = true;
        fixes.push(insertLicenseLabel(recipe, final, 'LicenseRef-Proprietary', `Add \`${LICENSE_LABEL_KEY}\` = LicenseRef-Proprietary`));
      }
      const publicNote = context.settings.publish === 'public' ? 'this project is set to `publish: public`' : 'keep the image in a private registry for licensed users';
      context.report({
        range: word.range,
        message: `\`${word.value}\` installs ${app}, a commercially licensed application; ${publicNote} and label it \`${LICENSE_LABEL_KEY}=LicenseRef-Proprietary\`.`,
        severity: severity as Severity,
        fixes,
      });
    };
    for (const stage of [...chain].reverse()) {
      scanStage(recipe, stage, report);
    }
  },
});

function scanStage(recipe: Parameters<typeof withShellCScriptsInstead>[0], stage: Stage, report: (word: Word, app: string) => void): void {
  for (const step of stage.steps) {
    const seen = new Set<string>();
    const hit = (word: Word, app: string): void => {
      if (!seen.has(app)) {
        seen.add(app);
        report(word, app);
      }
    };
    if (step.kind === 'copy') {
      for (const source of step.sources) {
        const detector = DETECTORS.find((candidate) => candidate.word?.test(source.value));
        if (detector) {
          hit(source, detector.app);
        }
      }
    }
    if (step.kind !== 'run') {
      continue;
    }
    for (const command of withShellCScriptsInstead(recipe, step.script.commands)) {
      const words = effectiveWords(command);
      if (words.length === 0) {
        continue;
      }
      const program = baseName(words[0].value);
      if (TEXT_TOOLS.has(program)) {
        continue;
      }
      const values = words.slice(1).map((word) => word.value);
      const candidates = [...command.assignments, ...words];
      const stripped = candidates.map((candidate) => (candidate.value.includes('=') ? candidate.value.replace(ASSIGNMENT_NAME, '') : candidate.value));
      const mayMatchWord = stripped.some((value) => ANY_DETECTOR_WORD.test(value));
      for (const detector of DETECTORS) {
        if (detector.command?.(program, values)) {
          hit(words[0], detector.app);
          continue;
        }
        const pattern = detector.word;
        const at = pattern && mayMatchWord ? stripped.findIndex((value) => pattern.test(value)) : -1;
        if (at >= 0) {
          hit(candidates[at], detector.app);
        }
      }
    }
  }
}
