// NGC framework images (`nvcr.io/nvidia/<framework>:YY.MM-…`): the Ubuntu and CUDA release they are built on, so that
// the EOL and driver checks see through them. Only releases NVIDIA's release notes confirm (data/ngc.json).
import ngcData from '../data/ngc.json';

export interface NgcBase {
  /** `YY.MM` of the image tag. */
  release: string;
  ubuntu?: string;
  /** `major.minor` when a release note names it, else undefined. */
  cuda?: string;
  cudaMajor?: string;
}

interface Anchor {
  release: string;
  ubuntu?: string;
  cuda?: string;
}

interface Span {
  from: string;
  to: string;
  ubuntu?: string;
  cudaMajor?: string;
}

const FRAMEWORKS = new Set(ngcData.frameworks);
const ANCHORS = ngcData.anchors as Anchor[];
const RANGES = ngcData.ranges as Span[];

/** The base of `nvcr.io/nvidia/<framework>:YY.MM-…` (registry and repository as written, tag without digest), if known. */
export function ngcBase(registry: string | undefined, repository: string, tag: string | undefined): NgcBase | undefined {
  const framework = /^nvidia\/([a-z0-9_-]+)$/.exec(repository.toLowerCase())?.[1];
  const release = /^(\d\d\.\d\d)(?=$|[-.])/.exec(tag ?? '')?.[1];
  if (registry?.toLowerCase() !== 'nvcr.io' || !framework || !FRAMEWORKS.has(framework) || !release) {
    return undefined;
  }
  const anchor = ANCHORS.find((candidate) => candidate.release === release);
  const span = RANGES.find((candidate) => candidate.from <= release && release <= candidate.to);
  const ubuntu = anchor?.ubuntu ?? span?.ubuntu;
  const cuda = anchor?.cuda;
  const cudaMajor = cuda?.split('.')[0] ?? span?.cudaMajor;
  return ubuntu || cudaMajor ? { release, ubuntu, cuda, cudaMajor } : undefined;
}
