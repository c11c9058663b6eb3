// Typical weights of what image-weight rules report (package caches, a torch wheel in pip's cache, CUDA devel bases,
// CUDA runfiles): orders of magnitude quoted as "about", each with its sources (data/image-weight.json).
import weights from '../data/image-weight.json';

export interface Weight {
  /** What is left in the image, for messages. */
  what: string;
  /** About this many MB; absent when there is no typical figure. */
  aboutMB?: number;
}

export const CACHE_WEIGHTS: Readonly<Record<'apt-lists' | 'rpm-metadata' | 'pip' | 'conda', Weight>> = weights.caches;
/** Packages whose wheel makes pip's cache large, by lower-case name. */
export const PIP_PACKAGE_WEIGHTS: Readonly<Record<string, Weight & { aboutMB: number }>> = weights.pipPackages;
/** The `devel` flavour of NVIDIA's CUDA images over the `runtime` one. */
export const CUDA_DEVEL_WEIGHT: Weight & { aboutMB: number } = weights.cudaDevelBase;
/** A CUDA toolkit runfile installer. */
export const CUDA_RUNFILE_WEIGHT: Weight & { aboutMB: number } = weights.cudaRunfile;
