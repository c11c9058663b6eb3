// Typical weights that the image-weight rules quote as "about" (data/image-weight.json, with its sources).
import weights from '../data/image-weight.json';

export const imageWeights = weights;
