// `hpclint site init` probes, on simulated machines: every result must be a valid profile.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProfileText } from '../../../server/src/site/load';
import { probeSite, profileToYaml, type ProbeEnvironment } from '../../../server/src/site/probe';

function machine(overrides: Partial<ProbeEnvironment> & { commands?: Record<string, string>; files?: Record<string, string>; dirs?: Record<string, string[]> }): ProbeEnvironment {
  const { commands = {}, files = {}, dirs = {}, ...rest } = overrides;
  return {
    run: (command, args) => commands[[command, ...args].join(' ')],
    readFile: (path) => files[path],
    listDir: (path) => dirs[path] ?? [],
    arch: 'x64',
    kernel: '5.14.0-427.el9.x86_64',
    glibc: '2.34',
    hostname: 'login1.example.org',
    env: {},
    today: '2026-11-28',
    ...rest,
  };
}

const roundTrip = (environment: ProbeEnvironment, options = {}) => parseProfileText(profileToYaml(probeSite(environment, options)), 'init.yaml');

test('a machine without any probed tool still gives a valid profile: architecture, kernel and glibc', () => {
  const profile = roundTrip(machine({}));
  assert.equal(profile.name, 'login1');
  assert.deepEqual(profile.partitions, [{ name: 'default', cpu: { arch: 'x86_64' } }]);
  assert.deepEqual(profile.host, { kernel: '5.14.0-427.el9.x86_64', glibc: '2.34' });
  assert.equal(profile.mpi, undefined);
  assert.equal(profile.runtimes, undefined);
  assert.equal(profile.sources?.['host.glibc'], "glibc of this machine (Node.js process.report header.glibcVersionRuntime)");
});

test('an x86 GPU node with Slurm, Open MPI, InfiniBand and Apptainer', () => {
  const profile = roundTrip(
    machine({
      env: { SLURM_CLUSTER_NAME: 'Cluster9', SLURM_JOB_PARTITION: 'gpu' },
      files: {
        '/proc/cpuinfo': 'processor : 0\nflags : fpu sse3 ssse3 cx16 lahf_lm popcnt sse4_1 sse4_2 avx avx2 bmi1 bmi2 f16c fma abm movbe xsave\n',
        '/etc/os-release': 'NAME="Rocky Linux"\nPRETTY_NAME="Rocky Linux 9.4 (Blue Onyx)"\n',
        '/sys/class/infiniband/mlx5_0/ports/1/link_layer': 'InfiniBand\n',
      },
      dirs: { '/sys/class/infiniband': ['mlx5_0'] },
      commands: {
        'nvidia-smi --query-gpu=name,compute_cap,driver_version --format=csv,noheader': 'NVIDIA A100-SXM4-80GB, 8.0, 550.54.15\nNVIDIA A100-SXM4-80GB, 8.0, 550.54.15\n',
        'srun --mpi=list': 'MPI plugin types are...\n\tnone\n\tpmi2\n\tpmix\nspecific pmix plugin versions available: pmix_v4\n',
        'mpirun --version': 'mpirun (Open MPI) 4.1.6\n\nReport bugs to http://www.open-mpi.org/community/help/\n',
        'apptainer --version': 'apptainer version 1.3.4-1.el9\n',
        'singularity --version': 'apptainer version 1.3.4-1.el9\n',
      },
    }),
  );
  assert.equal(profile.name, 'cluster9');
  assert.deepEqual(profile.partitions, [
    { name: 'gpu', cpu: { arch: 'x86_64', microarch: 'x86-64-v3' }, gpus: [{ vendor: 'nvidia', model: 'A100-SXM4-80GB', computeCapability: '8.0', driver: '550.54.15' }] },
  ]);
  assert.deepEqual(profile.mpi, { family: 'openmpi', version: '4.1.6', abi: 'openmpi' });
  assert.deepEqual(profile.pmi, ['pmi2', 'pmix']);
  assert.deepEqual(profile.interconnect, { type: 'infiniband' });
  assert.deepEqual(profile.runtimes, [{ name: 'apptainer', version: '1.3.4' }]);
  assert.equal(profile.host?.os, 'Rocky Linux 9.4 (Blue Onyx)');
  assert.equal(profile.sources?.['partitions.gpu.gpus'], 'nvidia-smi --query-gpu=name,compute_cap,driver_version --format=csv,noheader (one entry per GPU model)');
  assert.equal(profile.sources?.pmi, 'srun --mpi=list');
});

test('a Grace node on Slingshot with Cray MPICH, and an AMD GPU node', () => {
  const grace = roundTrip(
    machine({
      arch: 'arm64',
      env: { CRAY_MPICH_VERSION: '8.1.30' },
      files: { '/proc/cpuinfo': 'processor : 0\nCPU implementer : 0x41\nCPU architecture: 8\nCPU part : 0xd4f\n' },
      commands: { 'fi_info -l': 'cxi:\n    version: 1.0\nshm:\n    version: 200.0\n', 'enroot version': '3.5.0\n' },
    }),
    { name: 'alps', partition: 'normal' },
  );
  assert.deepEqual(grace.partitions, [{ name: 'normal', cpu: { arch: 'aarch64', microarch: 'neoverse-v2' } }]);
  assert.deepEqual(grace.mpi, { family: 'cray-mpich', version: '8.1.30', abi: 'mpich' });
  assert.deepEqual(grace.interconnect, { type: 'slingshot', libraries: ['libfabric'], providers: ['cxi'] });
  assert.deepEqual(grace.runtimes, [{ name: 'enroot', version: '3.5.0' }]);

  const amd = roundTrip(machine({ commands: { rocminfo: 'Agent 2\n  Name:                    gfx90a\n  Marketing Name: AMD Instinct MI250X\n' } }));
  assert.deepEqual(amd.partitions[0].gpus, [{ vendor: 'amd', target: 'gfx90a' }]);
});
