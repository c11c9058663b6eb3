// Bundled site profile (YAML) for Daint on CSCS' Alps; every fact cites CSCS' public documentation.
export default `# Daint (CSCS Alps): HPE Cray EX with NVIDIA GH200 Grace-Hopper nodes, Slingshot 11, NVIDIA driver 590.
name: cscs-daint
description: Daint on Alps (CSCS) — NVIDIA GH200 (Grace Neoverse V2 + Hopper), Slingshot 11, NVIDIA driver branch 590, Container Engine
asOf: "2026-08-20"
partitions:
  - name: normal
    cpu:
      arch: aarch64
      microarch: neoverse-v2
    gpus:
      - vendor: nvidia
        model: GH200
        computeCapability: "9.0"
        driver: "590"
mpi:
  family: cray-mpich
  abi: mpich
  usage: hybrid
pmi: [pmi2, pmix]
interconnect:
  type: slingshot
  libraries: [libfabric]
  providers: [cxi]
  injected: true
host:
  os: SLES 15
runtimes:
  - name: enroot
  - name: podman
    version: "5.8.4"
packageMirrors:
  - kind: pypi
    upstream: https://pypi.org/simple
    mirror: https://jfrog.svc.cscs.ch/artifactory/api/pypi/pypi-remote/simple
computeNodeInternet: true
sources:
  partitions.normal: "Daint consists of Grace-Hopper (GH200) nodes; normal partition: https://docs.cscs.ch/clusters/daint/"
  partitions.normal.cpu: "Programming environments are built for linux-sles15-neoverse_v2: https://docs.cscs.ch/software/communication/cray-mpich/"
  partitions.normal.gpus: "GH200 Hopper GPU, compute capability 9.0: https://docs.cscs.ch/alps/hardware/ and https://developer.nvidia.com/cuda-gpus"
  partitions.normal.gpus.driver: "The main vClusters have been updated to NVIDIA driver version 590: https://docs.cscs.ch/software/sciapps/cp2k/"
  mpi: "Cray MPICH is the system MPI; containers bring MPICH or Open MPI built with libfabric: https://docs.cscs.ch/software/communication/cray-mpich/ and https://docs.cscs.ch/software/communication/mpich/"
  pmi: "Container MPI jobs start with srun --mpi=pmi2 or --mpi=pmix: https://docs.cscs.ch/software/container-engine/resource-hook/ and https://docs.cscs.ch/software/alps-extended-images/"
  interconnect: "Slingshot 11 through libfabric's CXI provider; the CXI hook replaces the image's libfabric with the host's, so the image's MPI must use libfabric: https://docs.cscs.ch/software/container-engine/resource-hook/"
  host.os: "uenv targets linux-sles15: https://docs.cscs.ch/software/communication/cray-mpich/"
  runtimes: "Container Engine (Enroot/Pyxis based) runs containers; Podman 5.8.4 builds them: https://docs.cscs.ch/clusters/daint/ and https://docs.cscs.ch/build-install/containers/"
  packageMirrors: "PyPI through CSCS' JFrog pypi-remote repository: https://docs.cscs.ch/running/vetnode/"
  computeNodeInternet: "Compute nodes access the internet through NAT: https://docs.cscs.ch/guides/internet-access/"
`;
