// HPC-PERF-003: data sets copied or downloaded into the image that ships (COPY/ADD/%files of HDF5, NetCDF, GRIB, NumPy… files, data directories, dataset downloads).
import { defineRule } from '../../engine/rule';
import type { Word } from '../../recipe/model';
import { allScripts } from '../../recipe/query';
import { effectiveName, effectiveWords } from '../util/commands';
import { baseName, finalStageChain } from '../util/source';

/** File formats that hold data, not software (names only: sizes cannot be known from the recipe). */
const DATA_FILE = /\.(h5|hdf5|he5|nc|nc4|netcdf|grib|grib2|grb|grb2|npy|npz|zarr|parquet|tfrecords?|fits|ckpt|safetensors)$/i;
/** Directory names that almost always hold data sets or model state. */
const DATA_DIRECTORY = /^(datasets?|checkpoints?|training[-_]data|test[-_]data)$/i;
const DOWNLOADERS = new Set(['wget', 'curl', 'aws', 'gsutil', 'rclone', 'azcopy']);

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
    fix: 'none',
    docs: {
      summary: 'Data sets baked into the image (`COPY`/`ADD`/`%files` of `*.h5`, `*.nc`, `*.grib`, `*.npz`, `datasets/`…, or downloads of such files) belong on the file system, bound at run time.',
      whatItDoes:
        'Reports, in the stage that ships (the final stage and the stages it builds on), `COPY`/`ADD`/`%files` sources and `wget`/`curl`/`aws s3`/`gsutil` downloads whose names ' +
        'are scientific data formats — HDF5 (`.h5`, `.hdf5`), NetCDF (`.nc`), GRIB, NumPy (`.npy`, `.npz`), Zarr, Parquet, TFRecord, FITS, model checkpoints ' +
        '(`.ckpt`, `.safetensors`) — or directories named `datasets`, `checkpoints`, `training_data`. Directories named `data` or `input(s)` are not reported: many ' +
        'applications ship a `data/` directory of their own (basis sets, tables). Sizes cannot be seen in a recipe, so the rule goes by names only.',
      whyHpc:
        'Every node of a job pulls or stages the whole image: gigabytes of input data inside it multiply start-up time and registry and parallel-file-system traffic ' +
        'by the node count, every change of the data means a new image build and upload, and a read-only SquashFS/SIF image cannot hold results next to its inputs. ' +
        'On the cluster the data should already be on the parallel file system, where the application reads it in parallel.',
      howToFix:
        'Keep data out of the image: stage it on the cluster file system and bind it at run time (`apptainer run --bind /scratch/project/data:/data image.sif`, ' +
        '`docker run -v …`), pass its path as an argument of the runscript/entrypoint, and keep only software (and small reference files) in the image. ' +
        'Use `.dockerignore` so `COPY . /src` does not pick data up by accident.',
      bad: [
        { format: 'dockerfile', code: 'FROM python:3.12-slim\nCOPY era5_2023.nc /data/\nCOPY app.py /opt/app/\nCMD ["python", "/opt/app/app.py", "/data/era5_2023.nc"]\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: python:3.12-slim\n\n%files\n    datasets/ /opt/datasets\n' },
      ],
      good: [
        { format: 'dockerfile', code: 'FROM python:3.12-slim\nCOPY app.py /opt/app/\nENTRYPOINT ["python", "/opt/app/app.py"]\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: python:3.12-slim\n\n%files\n    app.py /opt/app/\n\n%runscript\n    exec python /opt/app/app.py "$@"\n' },
      ],
      exceptions:
        'Small reference or test inputs and self-contained demo images are fine: silence the line with `# hpclint ignore=HPC-PERF-003 -- 2 MB test case`. ' +
        '`.dat`, `.bin` and `.tar.*` are not reported (configuration files, installers and source tarballs use them too), and neither are copies from build stages.',
      references: [
        'https://hpc.github.io/charliecloud/best_practices.html',
        'https://apptainer.org/docs/user/main/bind_paths_and_mounts.html',
        'https://docs.docker.com/build/concepts/context/#dockerignore-files',
      ],
    },
  },
  check(context) {
    const { recipe } = context;
    const shipped = finalStageChain(recipe);
    for (const stage of shipped) {
      for (const step of stage.steps) {
        if (step.kind !== 'copy' || step.from) {
          continue;
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
      }
    }
    for (const { script, step, stage } of allScripts(recipe)) {
      if (!shipped.includes(stage) || step.kind !== 'run') {
        continue;
      }
      for (const command of script.commands) {
        if (!DOWNLOADERS.has(effectiveName(command))) {
          continue;
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
      }
    }
  },
});
