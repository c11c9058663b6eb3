// HPC-PORT-006: kernel modules, kernel headers of one kernel and `uname -r` in image builds.
import { own } from '../../engine/own';
import { defineRule, type Finding, type Severity } from '../../engine/rule';
import { insert, safeFix } from '../../engine/fixBuilder';
import type { Range, ShellCommand, Word } from '../../recipe/model';
import { allScripts, hasFlag } from '../../recipe/query';
import { effectiveWords, installedPackages } from '../util/commands';
import { baseName, offsetOf, rangeOf, withShellCScripts } from '../util/source';
import docs from './no-kernel-coupled-components.md';

const MODULE_TOOLS: Record<string, string> = {
  dkms: '`dkms` builds and installs kernel modules',
  modprobe: '`modprobe` loads kernel modules',
  insmod: '`insmod` loads a kernel module',
  rmmod: '`rmmod` unloads a kernel module',
  depmod: '`depmod` indexes kernel modules',
};

interface KernelPackage {
  pattern: RegExp;
  what: string;
  /** Defaults to the rule's warning. */
  severity?: Severity;
}

const KERNEL_PACKAGES: readonly KernelPackage[] = [
  // The tool alone builds nothing: dead weight (compilers, headers), not a failure. Module packages built with it are warnings.
  { pattern: /^dkms$/, what: 'DKMS, which builds kernel modules for the kernels installed in the image (on its own it builds nothing: drop it)', severity: 'info' },
  { pattern: /^(?!nvidia|amdgpu).+-dkms$/, what: 'a DKMS kernel-module package' },
  { pattern: /^linux-headers-.+$/, what: 'the build headers of one particular kernel' },
  { pattern: /^linux-(image|modules)-.+$/, what: 'a kernel image or its modules' },
  { pattern: /^kernel-devel(-.*)?$/, what: 'the build headers of one particular kernel' },
  { pattern: /^kmod-(?!nvidia).+$/, what: 'a prebuilt kernel module for one kernel' },
  { pattern: /^mlnx-ofa_kernel-(modules|source)$/, what: 'MLNX_OFED kernel modules' },
  { pattern: /^doca-(all|networking|ofed)$/, what: 'a DOCA-Host profile, which brings the DOCA-OFED kernel drivers (built with DKMS) with the user-space libraries' },
  { pattern: /^mlnx-ofed-(all|hpc|basic)$/, what: 'an MLNX_OFED meta-package that pulls in the OFED kernel modules (`mlnx-ofed-kernel-dkms` or `kmod-mlnx-ofa_kernel`)' },
];

/** Words that point a build at the kernel build tree. */
const KERNEL_TREE = /(^|[=/])(lib\/modules\/|usr\/src\/kernels\/|usr\/src\/linux-headers)/;
const KERNEL_TREE_FLAG = /^(--with-linux[\w-]*|--with-kernel[\w-]*|KERNELDIR|KERNEL_DIR|KDIR|KSRC|KERNEL_SRC)=.*\//;
const BUILD_TOOLS = new Set(['make', 'gmake', 'configure', 'cmake']);

const HOST_KERNEL = 'the kernel is the host\'s, not the image\'s, so anything built or loaded for a kernel at image-build time does not match the nodes';

function kernelPackage(name: string): KernelPackage | undefined {
  for (const candidate of KERNEL_PACKAGES) {
    if (candidate.pattern.test(name)) {
      return candidate;
    }
  }
  return undefined;
}

export default defineRule({
  meta: {
    code: 'HPC-PORT-006',
    name: 'no-kernel-coupled-components',
    category: 'portability',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    locality: 'command',
    fix: 'safe',
  },
  docs,
  check(context) {
    const { recipe } = context;
    // A `uname -r` inside a reported word (`linux-headers-$(uname -r)`) is not reported again.
    const earlierScripts = new RangeList();
    let inScript: Range[] = [];
    const report = (finding: Finding): void => {
      inScript.push(finding.range);
      context.report(finding);
    };
    for (const { script } of allScripts(recipe)) {
      inScript = [];
      const substitutions: ShellCommand[] = [];
      for (const command of withShellCScripts(recipe, script.commands)) {
        const words = effectiveWords(command);
        if (words.length === 0) {
          continue;
        }
        const program = baseName(words[0].value);
        if (program === 'uname') {
          if (command.depth > 0 && hasFlag(command, '-r', '--kernel-release')) {
            substitutions.push(command);
          }
          continue;
        }
        const tool = own(MODULE_TOOLS, program);
        if (tool) {
          report({ range: words[0].range, message: `${tool}; ${HOST_KERNEL}. Containers cannot load kernel modules — the site provides them on the host.` });
          continue;
        }
        if (program === 'mlnxofedinstall') {
          checkOfedInstaller(command, words[0], report);
          continue;
        }
        for (const installed of installedPackages(command)) {
          if (installed.manager === 'apk' || installed.manager === 'conda') {
            continue;
          }
          const kernel = kernelPackage(installed.name);
          if (kernel) {
            report({ range: installed.word.range, severity: kernel.severity, message: `\`${installed.word.value}\` installs ${kernel.what}; ${HOST_KERNEL}. Install only user-space libraries.` });
          }
        }
        const buildTool = BUILD_TOOLS.has(program);
        for (const word of words.slice(1)) {
          if (KERNEL_TREE_FLAG.test(word.value) || (buildTool && KERNEL_TREE.test(word.value))) {
            report({ range: word.range, message: `\`${shorten(word.value)}\` builds against a kernel build tree; ${HOST_KERNEL}. Build only the user-space part.` });
          }
        }
      }
      const inWords = substitutions.length > 0 ? containedIn(inScript) : undefined;
      const unames = new RangeList();
      for (const uname of substitutions) {
        const start = offsetOf(recipe, uname.range.start);
        const inside = inWords?.(uname.range) || unames.containsOne(uname.range) || earlierScripts.containsOne(uname.range);
        if (!inside) {
          const range = rangeOf(recipe, start, offsetOf(recipe, uname.range.end));
          context.report({ range, message: `\`uname -r\` returns the kernel of the machine running the build, not of the nodes that will run the image; ${HOST_KERNEL}.` });
          unames.add(range);
        }
      }
      earlierScripts.addAll(inScript);
      earlierScripts.addAll(unames.ranges);
    }
  },
});

function checkOfedInstaller(command: ShellCommand, program: Word, report: (finding: Finding) => void): void {
  if (hasFlag(command, '--user-space-only')) {
    return;
  }
  const missing = hasFlag(command, '--without-fw-update') ? ' --user-space-only' : ' --user-space-only --without-fw-update';
  report({
    range: program.range,
    message: `\`mlnxofedinstall\` without \`--user-space-only\` builds and installs MLNX_OFED kernel modules (and may try a firmware update); ${HOST_KERNEL}. Add \`${missing.trim()}\`.`,
    fixes: [safeFix(`Add \`${missing.trim()}\``, insert(program.range.end, missing))],
  });
}

type Position = Range['start'];

function notAfter(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character <= b.character);
}

function contains(outer: Range, inner: Range): boolean {
  return notAfter(outer.start, inner.start) && notAfter(inner.end, outer.end);
}

/** Whether one of `ranges` contains a range: the furthest end among those starting at or before it, by binary search. */
function containedIn(ranges: readonly Range[]): (inner: Range) => boolean {
  const sorted = [...ranges].sort((a, b) => (notAfter(a.start, b.start) ? (notAfter(b.start, a.start) ? 0 : -1) : 1));
  const furthestEnd: Position[] = [];
  for (const range of sorted) {
    const previous = furthestEnd[furthestEnd.length - 1];
    furthestEnd.push(previous !== undefined && notAfter(range.end, previous) ? previous : range.end);
  }
  return (inner) => {
    let low = 0;
    let high = sorted.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (notAfter(sorted[middle].start, inner.start)) {
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return high >= 0 && notAfter(inner.end, furthestEnd[high]);
  };
}

/** Ranges that mostly come in text order: none contains a range that ends after all of them, so most questions need no scan. */
class RangeList {
  readonly ranges: Range[] = [];
  private furthestEnd?: Position;

  add(range: Range): void {
    this.ranges.push(range);
    if (this.furthestEnd === undefined || notAfter(this.furthestEnd, range.end)) {
      this.furthestEnd = range.end;
    }
  }

  addAll(ranges: readonly Range[]): void {
    for (const range of ranges) {
      this.add(range);
    }
  }

  containsOne(inner: Range): boolean {
    return this.furthestEnd !== undefined && notAfter(inner.end, this.furthestEnd) && this.ranges.some((range) => contains(range, inner));
  }
}

function shorten(value: string): string {
  return value.length > 60 ? `${value.slice(0, 57)}…` : value;
}
