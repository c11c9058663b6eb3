// One recipe per rule group, with the finding it must produce and the title of its quick fix.
// Shared by the LSP (test/lsp/groups.test.ts) and CLI (test/cli/groups.test.ts) suites.

export interface GroupCase {
  code: string;
  file: string;
  text: string;
  /** The fix's title, as the rule words it. */
  fixTitle: RegExp;
}

export const GROUPS: GroupCase[] = [
  {
    code: 'HPC-DEF-005',
    file: 'Singularity',
    text: 'Bootstrap: docker\nFrom: rockylinux:9\n\n%enviroment\n    export LC_ALL=C\n',
    fixTitle: /%environment/,
  },
  {
    code: 'HPC-PORT-001',
    file: 'port/Dockerfile',
    text: 'FROM rockylinux:9\nRUN gcc -O3 -march=native -o /usr/local/bin/solver solver.c\n',
    fixTitle: /x86-64-v3/,
  },
  {
    code: 'HPC-PERF-002',
    file: 'perf/Dockerfile',
    text:
      'FROM rockylinux:9\n' +
      'RUN curl -fsSLO https://download.open-mpi.org/release/open-mpi/v5.0/openmpi-5.0.7.tar.bz2 && echo "119f2009936a403334d0df3c0d74d5595a32d99497f9b1d41e90019ee4938d4e  openmpi-5.0.7.tar.bz2" | sha256sum -c - \\\n' +
      ' && tar xf openmpi-5.0.7.tar.bz2 && cd openmpi-5.0.7 && ./configure --prefix=/opt/openmpi --with-pmix && make -j4 install\n',
    fixTitle: /ofi/i,
  },
  {
    code: 'HPC-NET-001',
    file: 'net/Dockerfile',
    text: 'FROM rockylinux:9\nENV NCCL_SOCKET_IFNAME=ib0\n',
    fixTitle: /job script/i,
  },
  {
    code: 'HPC-SEC-004',
    file: 'sec/Dockerfile',
    text: 'FROM rockylinux:9\nRUN curl --insecure -fsSLo /tmp/tool.rpm https://example.org/tool.rpm\n',
    fixTitle: /--insecure/,
  },
  {
    code: 'HPC-MAINT-001',
    file: 'maint/Dockerfile',
    text: 'FROM rockylinux:9\nRUN git clone https://github.com/example/solver.git /opt/solver\n',
    fixTitle: /--branch/,
  },
  {
    code: 'HPC-USE-001',
    file: 'use/Singularity',
    text: 'Bootstrap: docker\nFrom: rockylinux:9\n\n%runscript\n    /opt/solver/bin/solver\n',
    fixTitle: /exec/,
  },
  {
    code: 'HPC-PORT-013',
    file: 'mpi/Dockerfile',
    text:
      'FROM rockylinux:9\n' +
      'RUN cd /tmp/mpich-4.3.0 && ./configure --prefix=/opt/mpich --disable-shared && make -j4 install\n',
    fixTitle: /--enable-shared/,
  },
  {
    code: 'HPC-BUILD-004',
    file: 'build/Dockerfile',
    text: 'FROM nvidia/cuda:12.8.1-devel-ubuntu24.04\nRUN nvidia-smi\n',
    fixTitle: /.+/,
  },
  {
    code: 'HPC-CACHE-002',
    file: 'cache/Dockerfile',
    text: '# syntax=docker/dockerfile:1\nFROM rockylinux:9\nRUN dnf install -y gcc\n',
    fixTitle: /cache mount/i,
  },
  {
    code: 'HPC-EOL-001',
    file: 'eol/Dockerfile',
    text: 'FROM centos:7\nRUN yum install -y gcc\n',
    fixTitle: /almalinux:9/,
  },
];
