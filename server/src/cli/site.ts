// `hpclint site list|show|check|schema|init`: inspect, validate and create site profiles.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import schema from '../../../schemas/site-profile.schema.json';
import { ConfigError, today } from '../engine/config';
import { BUNDLED_PROFILES } from '../site/profiles/index';
import { bundledProfile, bundledProfileNames, loadProfileFile, looksLikePath, parseProfileText } from '../site/load';
import { probeSite, profileToYaml, systemProbeEnvironment, type ProbeEnvironment } from '../site/probe';

export interface SiteIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  /** Tests substitute the machine. */
  probeEnvironment?: (timeoutMs: number) => ProbeEnvironment;
}

export const SITE_USAGE = `Usage: hpclint site list                 List the bundled site profiles
       hpclint site show NAME|FILE       Print a profile (bundled profiles as YAML with their sources)
       hpclint site check FILE...        Validate profile files (exit 2 with file:line on the first problem)
       hpclint site schema               Print the profile JSON Schema (for editors)
       hpclint site init [options]       Write a starting profile from read-only probes of this machine

Options for init:
  --name NAME           Site name (default: $SLURM_CLUSTER_NAME or the host name)
  --partition NAME      Partition this node belongs to (default: $SLURM_JOB_PARTITION or "default")
  --output, -o FILE     Write the profile to FILE instead of standard output
  --timeout MS          Time limit per probe command (default: 5000)

init reads /proc/cpuinfo, /etc/os-release and /sys/class/infiniband, and runs, where installed:
nvidia-smi, rocminfo, srun --mpi=list, mpirun --version, fi_info -l, apptainer/singularity/podman-hpc/
sarus/enroot/ch-run/podman --version. Nothing is changed and nothing is sent anywhere.`;

export function runSite(argv: readonly string[], io: SiteIo): number {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'list':
        return list(io);
      case 'show':
        return show(rest, io);
      case 'check':
        return check(rest, io);
      case 'schema':
        io.stdout(`${JSON.stringify(schema, null, 2)}\n`);
        return 0;
      case 'init':
        return init(rest, io);
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.stdout(`${SITE_USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        io.stderr(`hpclint site: unknown command "${command}" (see hpclint site --help)\n`);
        return 2;
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr(`hpclint: invalid site profile ${error.message}\n`);
      return 2;
    }
    io.stderr(`hpclint site ${command}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
}

function list(io: SiteIo): number {
  const names = bundledProfileNames();
  const width = Math.max(...names.map((name) => name.length));
  for (const name of names) {
    io.stdout(`${name.padEnd(width)}  ${bundledProfile(name)?.description ?? ''}\n`);
  }
  return 0;
}

function show(args: readonly string[], io: SiteIo): number {
  if (args.length !== 1) {
    io.stderr('hpclint site show: give one bundled profile name or profile file\n');
    return 2;
  }
  const [target] = args;
  if (!looksLikePath(target) && Object.prototype.hasOwnProperty.call(BUNDLED_PROFILES, target)) {
    io.stdout(BUNDLED_PROFILES[target]);
    return 0;
  }
  if (!looksLikePath(target)) {
    io.stderr(`hpclint site show: unknown site profile "${target}" (bundled: ${bundledProfileNames().join(', ')})\n`);
    return 2;
  }
  const profile = loadProfileFile(resolve(io.cwd, target));
  io.stdout(profileToYaml(profile).replace(/^(#.*\n)+/, ''));
  return 0;
}

function check(args: readonly string[], io: SiteIo): number {
  if (args.length === 0) {
    io.stderr('hpclint site check: give one or more profile files\n');
    return 2;
  }
  for (const file of args) {
    const profile = loadProfileFile(resolve(io.cwd, file));
    io.stdout(`${file}: valid site profile "${profile.name}" (${profile.partitions.length} partition${profile.partitions.length === 1 ? '' : 's'})\n`);
  }
  return 0;
}

function init(args: readonly string[], io: SiteIo): number {
  const options: { name?: string; partition?: string; output?: string; timeout: number } = { timeout: 5000 };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
      const next = inline ?? args[++i];
      if (next === undefined || next === '') {
        throw new Error(`option ${flag} needs a value`);
      }
      return next;
    };
    switch (flag) {
      case '--name':
        options.name = value();
        break;
      case '--partition':
        options.partition = value();
        break;
      case '--output':
      case '-o':
        options.output = value();
        break;
      case '--timeout': {
        const timeout = Number(value());
        if (!Number.isInteger(timeout) || timeout <= 0) {
          throw new Error('--timeout needs a positive number of milliseconds');
        }
        options.timeout = timeout;
        break;
      }
      default:
        throw new Error(`unknown option ${arg} (see hpclint site --help)`);
    }
  }
  const environment = io.probeEnvironment ? io.probeEnvironment(options.timeout) : systemProbeEnvironment(options.timeout, today());
  const profile = probeSite(environment, { name: options.name, partition: options.partition });
  const text = profileToYaml(profile);
  parseProfileText(text, options.output ?? '<site init>'); // never write a profile hpclint itself would reject
  if (options.output) {
    writeFileSync(resolve(io.cwd, options.output), text);
    io.stderr(`hpclint: wrote site profile "${profile.name}" to ${options.output}\n`);
  } else {
    io.stdout(text);
  }
  return 0;
}
