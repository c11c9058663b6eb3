export interface ZipEntry {
  name: string;
  size: number;
  compressedSize: number;
  read(): Buffer;
}
export interface Packaged {
  vsix: string;
  entries: ZipEntry[];
  bytes: number;
}
export const root: string;
export const allowedFiles: RegExp[];
export function zipEntries(file: string): ZipEntry[];
export function unexpectedEntries(entries: ZipEntry[]): string[];
export function packageExtension(options?: { outDir?: string; quiet?: boolean }): Packaged;
export function run(command: string, args: string[], cwd: string, quiet: boolean): void;
export function stage(): { staging: string; version: string };
export function buildProduction(staging: string, quiet: boolean): void;
