// Bundled site profile (YAML). An example of a common cluster, not a real site: each value is cited to the
// documentation that defines it. Copy it (`hpclint site show generic-x86-64-v3-ib`) and put your site's facts in.
export default `# Example: a generic x86-64-v3 InfiniBand cluster running Open MPI over UCX and Apptainer.
# Not a real site. Each value is a typical configuration; "sources" cites what defines it.
name: generic-x86-64-v3-ib
description: Generic x86-64-v3 InfiniBand cluster with Open MPI over UCX and Apptainer (an example, not a real site)
asOf: "2026-11-28"
partitions:
  - name: cpu
    cpu:
      arch: x86_64
      microarch: x86-64-v3
mpi:
  family: openmpi
  version: "5.0"
  abi: openmpi
  usage: hybrid
pmi: [pmix]
interconnect:
  type: infiniband
  libraries: [ucx]
runtimes:
  - name: apptainer
    version: "1.3"
registries:
  trusted: [docker.io/library, nvcr.io/nvidia]
computeNodeInternet: false
sources:
  partitions.cpu: "x86-64 psABI micro-architecture levels (x86-64-v3 = AVX2, FMA, BMI1/2, MOVBE): https://gitlab.com/x86-psABIs/x86-64-ABI"
  mpi: "Open MPI 5 runs InfiniBand through the UCX PML: https://docs.open-mpi.org/en/v5.0.x/tuning-apps/networking/ib-and-roce.html"
  pmi: "Open MPI 5 supports only PMIx (no PMI-1/PMI-2): https://docs.open-mpi.org/en/v5.0.x/launching-apps/slurm.html"
  interconnect: "UCX as the InfiniBand transport of Open MPI: https://docs.open-mpi.org/en/v5.0.x/tuning-apps/networking/ib-and-roce.html"
  runtimes: "Apptainer hybrid MPI model: https://apptainer.org/docs/user/main/mpi.html"
  registries: "example value (not a real site): official Docker images and NVIDIA NGC; sites enforce such lists with a containers-policy.json that rejects other registries: https://github.com/containers/image/blob/main/docs/containers-policy.json.5.md"
  computeNodeInternet: "example value (not a real site): many clusters give compute nodes no route to the internet"
`;
