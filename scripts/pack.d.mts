export interface PackedNpm {
  tarball: string;
  files: string[];
  bytes: number;
}
export const packedFiles: string[];
export function publishedManifest(manifest: Record<string, unknown>): Record<string, unknown>;
export function packNpm(options?: { outDir?: string; quiet?: boolean }): PackedNpm;
