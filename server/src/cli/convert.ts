// `hpclint convert <Dockerfile> [-o out.def] [--stdout] [--force] [--stage NAME] [--context DIR]`
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ConversionError, convertDockerfile, type ConversionNote } from '../convert/dockerfileToDefinition';
import { defaultDefinitionName } from '../convert/naming';

export { defaultDefinitionName } from '../convert/naming';

export const CONVERT_USAGE = `Usage: hpclint convert <Dockerfile> [options]

Converts a Dockerfile/Containerfile to an Apptainer definition file. Transcoding losses are
printed as HPC-BUILD-002 notes and written as "# hpclint-convert:" comments into the output.

Options:
  -o, --output FILE   where to write (default: next to the Dockerfile: Dockerfile → Apptainer.def,
                      Dockerfile.gpu → Apptainer.gpu.def, app.dockerfile → app.def)
  --stdout            print the definition file instead of writing it (notes go to stderr)
  --force             overwrite an existing output file
  --stage NAME        convert for this build target (like docker build --target)
  --context DIR       build context for COPY sources (default: the Dockerfile's directory)
  -h, --help          show this help`;

export interface ConvertIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
}

const processIo: ConvertIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
};

interface ConvertArgs {
  input?: string;
  output?: string;
  stdout: boolean;
  force: boolean;
  stage?: string;
  context?: string;
  help: boolean;
}

/** Runs `hpclint convert …` (argv without the `convert` word); returns the exit status (0, or 2 on errors). */
export function runConvert(argv: readonly string[], io: ConvertIo = processIo): number {
  let args: ConvertArgs;
  try {
    args = parseConvertArgs(argv);
  } catch (error) {
    io.stderr(`hpclint convert: ${(error as Error).message}\n`);
    return 2;
  }
  if (args.help) {
    io.stdout(`${CONVERT_USAGE}\n`);
    return 0;
  }
  if (!args.input) {
    io.stderr('hpclint convert: no Dockerfile given (see hpclint convert --help)\n');
    return 2;
  }
  const input = resolve(io.cwd, args.input);
  let text: string;
  try {
    text = readFileSync(input, 'utf8');
  } catch (error) {
    io.stderr(`hpclint convert: cannot read ${args.input}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`);
    return 2;
  }
  const context = resolve(io.cwd, args.context ?? dirname(args.input));
  let result;
  try {
    result = convertDockerfile(text, { stage: args.stage, isDirectory: (source) => contextIsDirectory(context, source) });
  } catch (error) {
    if (error instanceof ConversionError) {
      io.stderr(`hpclint convert: ${args.input}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (args.stdout) {
    io.stdout(result.text);
    io.stderr(formatNotes('<stdout>', result.notes));
    return 0;
  }
  const outputShown = args.output ?? join(dirname(args.input), defaultDefinitionName(basename(args.input)));
  const output = resolve(io.cwd, outputShown);
  if (output === input) {
    io.stderr(`hpclint convert: the output would overwrite the Dockerfile itself (${outputShown}); use -o\n`);
    return 2;
  }
  if (existsSync(output) && !args.force) {
    io.stderr(`hpclint convert: ${outputShown} exists; use --force to overwrite it or -o to choose another file\n`);
    return 2;
  }
  try {
    writeFileSync(output, result.text);
  } catch (error) {
    io.stderr(`hpclint convert: cannot write ${outputShown}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`);
    return 2;
  }
  io.stdout(formatNotes(outputShown, result.notes));
  io.stdout(`hpclint convert: wrote ${outputShown} (${result.notes.length} note${result.notes.length === 1 ? '' : 's'})\n`);
  return 0;
}

/** `path:line:col severity HPC-BUILD-002 message` lines (1-based line and column). */
export function formatNotes(path: string, notes: readonly ConversionNote[]): string {
  return notes.map((note) => `${path}:${note.line + 1}:1 ${note.severity} ${note.code} ${note.message}\n`).join('');
}

function contextIsDirectory(context: string, source: string): boolean | undefined {
  if (/[*?[]/.test(source) || source.includes('{{') || source.includes('$')) {
    return undefined;
  }
  try {
    return statSync(resolve(context, source.replace(/^\/+/, ''))).isDirectory();
  } catch {
    return undefined;
  }
}

function parseConvertArgs(argv: readonly string[]): ConvertArgs {
  const args: ConvertArgs = { stdout: false, force: false, help: false };
  const valueOf = (flag: string, i: number): string => {
    const value = argv[i + 1];
    if (value === undefined) {
      throw new Error(`${flag} needs a value`);
    }
    return value;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const take = (): string => {
      if (inline !== undefined) {
        return inline;
      }
      const value = valueOf(flag, i);
      i++;
      return value;
    };
    switch (flag) {
      case '-o':
      case '--output':
        args.output = take();
        break;
      case '--stdout':
        args.stdout = true;
        break;
      case '--force':
      case '-f':
        args.force = true;
        break;
      case '--stage':
      case '--target':
        args.stage = take();
        break;
      case '--context':
        args.context = take();
        break;
      case '-h':
      case '--help':
        args.help = true;
        break;
      default:
        if (arg.startsWith('-') && arg !== '-') {
          throw new Error(`unknown option ${arg}`);
        }
        if (args.input !== undefined) {
          throw new Error(`only one Dockerfile can be converted at a time (got ${args.input} and ${arg})`);
        }
        args.input = arg;
    }
  }
  return args;
}
