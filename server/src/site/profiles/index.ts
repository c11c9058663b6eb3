// The site profiles that ship with hpclint (YAML text, parsed on first use).
import bedeGh from './bede-gh';
import cscsDaint from './cscs-daint';
import genericX86 from './generic-x86-64-v3-ib';
import lumi from './lumi';

export const BUNDLED_PROFILES: Readonly<Record<string, string>> = {
  'bede-gh': bedeGh,
  'cscs-daint': cscsDaint,
  'generic-x86-64-v3-ib': genericX86,
  lumi,
};
