// What one fuzz case runs: the CLI's decoding and format detection, the engine in both formats (every
// rule, dockerfile-utils), the scripts handed to ShellCheck (extracted, not run), the safe fixes, the
// converter and the definition-file editor features.
// Bundled by test/fuzz/fuzzer.ts into one CommonJS file that a child process loads, like the shipped
// bundles are built.
import { validate } from 'dockerfile-utils';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { decodeRecipe } from '../../server/src/cli/recipeBytes';
import { convertDockerfile, ConversionError } from '../../server/src/convert/dockerfileToDefinition';
import { fixAll } from '../../server/src/engine/fixes';
import { lint, skipReason } from '../../server/src/engine/lint';
import type { HpcDiagnostic } from '../../server/src/engine/types';
import { apptainerCompletion, apptainerFolding, apptainerHover, apptainerSymbols } from '../../server/src/lsp/features/apptainerFeatures';
import type { RecipeFormat } from '../../server/src/recipe/model';
import { extractScripts } from '../../server/src/shellcheck/scripts';
import { detectFormat } from '../../server/src/recipe/parse';
import { allRules } from '../../server/src/rules/index';

export interface Analysis {
  /** Findings per format (a cheap fingerprint for replaying a case). */
  findings: Record<RecipeFormat, number>;
}

/** Raised for a rule or dockerfile-utils crash that the engine turned into a finding. */
export class SwallowedCrash extends Error {}

/**
 * Crashes inside dockerfile-ast 0.7.1 (the latest release) that dockerfile-utils' validate runs into.
 * The engine contains them (one info finding says the syntax check could not run; every hpclint rule
 * still runs); each has a reduced fixture in test/fixtures/fuzz/. Any other crash fails the fuzzer.
 */
const KNOWN_DEPENDENCY_CRASHES: ReadonlyArray<{ message: RegExp; frame: RegExp; what: string }> = [
  {
    message: /Maximum call stack size exceeded/,
    frame: /at Dockerfile\.resolveVariable /,
    what: 'an instruction before the first FROM, indented, that uses a variable: Dockerfile.resolveVariable recurses forever',
  },
  {
    message: /Cannot read properties of undefined \(reading 'getRange'\)/,
    frame: /at Run\.getHeredocs /,
    what: 'a RUN continuation followed by a comment in a file with CR line endings: getHeredocs reads a heredoc that is not there',
  },
];

const FORMATS: readonly RecipeFormat[] = ['dockerfile', 'apptainer'];

/** Analyses one input; throws on any exception, including rule crashes the engine reports as findings. */
export function analyse(bytes: Uint8Array, fileName: string, position: { line: number; character: number }): Analysis {
  const { text } = decodeRecipe(bytes);
  detectFormat(fileName, text);
  const findings = { dockerfile: 0, apptainer: 0 };
  for (const format of FORMATS) {
    const result = lint(text, { fileName, format, rules: allRules });
    assertNoSwallowedCrash(result.diagnostics, text);
    findings[format] = result.diagnostics.length;
    extractScripts(result.recipe);
    if (result.diagnostics.some((d) => d.fixes.some((fix) => fix.safe))) {
      fixAll(text, { fileName, format, rules: allRules });
    }
    if (format === 'apptainer') {
      const document = TextDocument.create('file:///fuzz/Singularity', 'apptainer', 1, text);
      apptainerSymbols(result.recipe);
      apptainerFolding(result.recipe, document);
      apptainerHover(document, position, () => result.recipe);
      apptainerCompletion(document, position, { recipe: () => result.recipe, snippets: true });
    }
  }
  if (skipReason(text) === undefined) {
    try {
      convertDockerfile(text);
    } catch (error) {
      if (!(error instanceof ConversionError)) {
        throw error;
      }
    }
  }
  return { findings };
}

function assertNoSwallowedCrash(diagnostics: readonly HpcDiagnostic[], text: string): void {
  for (const d of diagnostics) {
    if (d.code === 'hpclint/internal' || (d.code === 'dockerfile-utils/INTERNAL' && !isKnownDependencyCrash(text))) {
      throw new SwallowedCrash(`${d.code}: ${d.message}`);
    }
  }
}

/** Runs dockerfile-utils again to see where it crashed: only the known places are tolerated. */
function isKnownDependencyCrash(text: string): boolean {
  try {
    validate(text);
    return false;
  } catch (error) {
    const stack = error instanceof Error ? (error.stack ?? '') : '';
    return KNOWN_DEPENDENCY_CRASHES.some((known) => known.message.test(stack) && known.frame.test(stack));
  }
}
