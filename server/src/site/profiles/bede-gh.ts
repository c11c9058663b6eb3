// Bundled site profile (YAML) for Bede's Grace-Hopper partitions; every fact cites Bede's public documentation.
export default `# Bede (N8 CIR, Durham), Grace-Hopper partitions: Arm Neoverse V2 + NVIDIA H100, InfiniBand, Open MPI, Apptainer.
name: bede-gh
description: Bede (N8 CIR) gh/ghtest partitions — NVIDIA Grace Hopper (Arm Neoverse V2), InfiniBand NDR200, Open MPI 4.1.6, Apptainer
asOf: "2025-07-16"
partitions:
  - name: gh
    cpu:
      arch: aarch64
      microarch: neoverse-v2
    gpus:
      - vendor: nvidia
        model: GH200
        computeCapability: "9.0"
  - name: ghtest
    cpu:
      arch: aarch64
      microarch: neoverse-v2
    gpus:
      - vendor: nvidia
        model: GH200
        computeCapability: "9.0"
mpi:
  family: openmpi
  version: "4.1.6"
  abi: openmpi
interconnect:
  type: infiniband
runtimes:
  - name: apptainer
sources:
  partitions: "gh and ghtest partitions run on aarch64 Grace Hopper nodes with Hopper GPUs (sm_90): https://bede-documentation.readthedocs.io/en/latest/usage/index.html"
  partitions.gh.cpu: "NVIDIA Grace aarch64 CPU, 72 Arm Neoverse V2 cores: https://bede-documentation.readthedocs.io/en/latest/hardware/index.html"
  partitions.ghtest.cpu: "NVIDIA Grace aarch64 CPU, 72 Arm Neoverse V2 cores: https://bede-documentation.readthedocs.io/en/latest/hardware/index.html"
  mpi: "OpenMPI is the main supported MPI; openmpi/4.1.6 on aarch64: https://bede-documentation.readthedocs.io/en/latest/software/libraries/mpi.html"
  interconnect: "Mellanox ConnectX-7 NDR200 InfiniBand port per Grace Hopper node: https://bede-documentation.readthedocs.io/en/latest/hardware/index.html"
  runtimes: "Apptainer is provided on the aarch64 nodes (rootless builds supported): https://bede-documentation.readthedocs.io/en/latest/software/tools/apptainer.html"
`;
