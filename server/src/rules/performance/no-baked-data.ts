// HPC-PERF-003: data sets copied or downloaded into the image that ships (COPY/ADD/%files of HDF5, NetCDF, GRIB, NumPy… files, data directories, dataset downloads).
import { defineRule } from '../../engine/rule';
import type { Word } from '../../recipe/model';
import { effectiveWords } from '../util/commands';
import { baseName, isShipped } from '../util/source';
import docs from './no-baked-data.md';

/** File formats that hold data, not software (names only: sizes cannot be known from the recipe). */
const DATA_FILE = /\.(h5|hdf5|he5|nc|nc4|netcdf|grib|grib2|grb|grb2|npy|npz|zarr|parquet|tfrecords?|fits|ckpt|safetensors)$/i;
/** Directory names that almost always hold data sets or model state. */
const DATA_DIRECTORY = /^(datasets?|checkpoints?|training[-_]data|test[-_]data)$/i;
const DOWNLOADER_NAMES = ['wget', 'curl', 'aws', 'gsutil', 'rclone', 'azcopy'];

function dataKind(path: string): string | undefined {
  const trimmed = path.replace(/[*]+$/, '').replace(/\/+$/, '');
  const name = baseName(trimmed);
  if (DATA_FILE.test(name)) {
    return `the data file${/[*?]/.test(path) ? 's' : ''} \`${path}\``;
  }
  if (DATA_DIRECTORY.test(name)) {
    return `the data directory \`${path}\``;
  }
  return undefined;
}

function urlPath(word: Word): string | undefined {
  const match = /^(?:https?|ftp|s3|gs):\/\/[^\s]+$/i.exec(word.value);
  return match ? word.value.replace(/[?#].*$/, '') : undefined;
}

export default defineRule({
  meta: {
    code: 'HPC-PERF-003',
    name: 'no-baked-data',
    category: 'performance',
    severity: 'info',
    formats: ['dockerfile', 'apptainer'],
    locality: 'command',
    fix: 'none',
  },
  docs,
  onStep: {
    kinds: ['copy'],
    check(step, stage, context) {
      if (step.from || !isShipped(context.recipe, stage)) {
        return;
      }
      for (const source of step.sources) {
        const url = urlPath(source);
        const kind = dataKind(url ?? source.value);
        if (kind) {
          context.report({
            range: source.range,
            message: `${step.keyword} bakes ${kind} into the image: every node pulls it with each job and every data change needs a new image. Keep data on the cluster file system and bind it at run time.`,
          });
        }
      }
    },
  },
  onCommand: {
    names: DOWNLOADER_NAMES,
    check(command, { step, stage }, context) {
      if (step.kind !== 'run' || !isShipped(context.recipe, stage)) {
        return;
      }
      for (const word of effectiveWords(command).slice(1)) {
        const url = urlPath(word);
        if (url && DATA_FILE.test(baseName(url))) {
          context.report({
            range: word.range,
            message: `This downloads the data file \`${baseName(url)}\` into the image at build time: every node pulls it with each job and a new data version needs a new image. Download it to the cluster file system and bind it at run time.`,
          });
        }
      }
    },
  },
});
