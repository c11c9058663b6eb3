// Bundled site profile (YAML) for LUMI; every fact cites LUMI's public documentation.
export default `# LUMI (CSC, Kajaani): HPE Cray EX with AMD CPUs and GPUs, Slingshot 11, Cray MPICH bound into containers.
name: lumi
description: LUMI (EuroHPC, CSC) — HPE Cray EX, AMD EPYC Zen 3 and MI250X, Slingshot 11, Cray MPICH bind model
asOf: "2024-10-15"
partitions:
  - name: lumi-c
    cpu:
      arch: x86_64
      microarch: znver3
  - name: lumi-g
    cpu:
      arch: x86_64
      microarch: znver3
    gpus:
      - vendor: amd
        model: MI250X
        target: gfx90a
mpi:
  family: cray-mpich
  abi: mpich
  usage: bind
pmi: [pmi2]
interconnect:
  type: slingshot
  libraries: [libfabric]
  providers: [cxi]
  injected: true
host:
  os: HPE Cray OS (SUSE Linux based)
runtimes:
  - name: singularityce
    version: "3.11.4"
sources:
  partitions.lumi-c: "2x AMD EPYC 7763, Zen 3 cores: https://docs.lumi-supercomputer.eu/hardware/lumic/"
  partitions.lumi-g.cpu: "AMD EPYC 'Trento', a Zen 3 CPU: https://docs.lumi-supercomputer.eu/hardware/lumig/ and https://lumi-supercomputer.github.io/easybuild-tutorial/2022-CSC_and_LO/1_Intro/1_04_LUMI_software_stack/"
  partitions.lumi-g.gpus: "4x AMD MI250X per node; craype-accel-amd-gfx90a targets the LUMI-G GPUs: https://docs.lumi-supercomputer.eu/hardware/lumig/ and https://docs.lumi-supercomputer.eu/development/compiling/prgenv/"
  mpi: "The host's Cray MPICH replaces the container's MPI (singularity-bindings); the container MPI must be ABI-compatible (MPICH ABI) and dynamically linked: https://docs.lumi-supercomputer.eu/runjobs/scheduled-jobs/container-jobs/"
  pmi: "A container's own MPI is started with srun --mpi=pmi2: https://docs.lumi-supercomputer.eu/runjobs/scheduled-jobs/container-jobs/"
  interconnect: "Slingshot 11; packages must be built against Cray MPICH to use it: https://docs.lumi-supercomputer.eu/software/containers/singularity/"
  interconnect.injected: "Host directories and LD_LIBRARY_PATH are set so the host MPI stack is used at run time: https://docs.lumi-supercomputer.eu/runjobs/scheduled-jobs/container-jobs/"
  host.os: "singularity comes with the HPE Cray Operating System, a SUSE Linux based OS: https://docs.lumi-supercomputer.eu/runjobs/scheduled-jobs/container-jobs/"
  runtimes: "Singularity 3.11.4-1 installed on LUMI (HPE, 2024): https://arxiv.org/abs/2407.19928; check with singularity --version"
`;
