// dockerfile-ast's parse ends with `Dockerfile.organizeComments`, which gives each comment to the build stages
// whose range holds it by testing every stage for every comment: comments × stages (a 2 MB Dockerfile of
// 16,698 comments and 6,679 stages spent 30 s there; fuzz 607204942:3467). A stage's range runs from its FROM to
// its last instruction and stages hold consecutive instructions, so the ranges are in document order and a
// binary search finds the same stages. Where they are not in order, the library's own walk runs.
import { DockerfileParser, type Comment } from 'dockerfile-ast';
import type { Position, Range } from 'vscode-languageserver-types';

interface CommentHolder {
  getRange(): Range;
  addComment(comment: Comment): void;
}

interface CommentOrganizer {
  organizeComments(this: CommentOrganizer): void;
  getComments(): Comment[];
  initialInstructions: CommentHolder;
  buildStages: CommentHolder[];
}

/** dockerfile-ast does not export its Dockerfile class: its prototype is taken once from an empty parse. */
const DOCKERFILE_PROTOTYPE = Object.getPrototypeOf(DockerfileParser.parse('')) as CommentOrganizer;

const before = (a: Position, b: Position): boolean => a.line < b.line || (a.line === b.line && a.character < b.character);

/** dockerfile-ast's `Util.isInsideRange`: the ends included. */
const inside = (position: Position, range: Range): boolean => !before(position, range.start) && !before(range.end, position);

function inDocumentOrder(ranges: readonly Range[]): boolean {
  for (let i = 1; i < ranges.length; i++) {
    if (before(ranges[i].start, ranges[i - 1].start) || before(ranges[i].end, ranges[i - 1].end)) {
      return false;
    }
  }
  return true;
}

/** The index of the first range that does not end before `position`. */
function firstEndingAtOrAfter(ranges: readonly Range[], position: Position): number {
  let low = 0;
  let high = ranges.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (before(ranges[middle].end, position)) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low;
}

function organizeComments(this: CommentOrganizer, original: (this: CommentOrganizer) => void): void {
  const comments = this.getComments();
  if (comments.length === 0) {
    return; // the library's walk places nothing: no stage ranges to compute (40,000 of them were 3 % of a parse)
  }
  const stageRanges = this.buildStages.map((stage) => stage.getRange());
  if (!inDocumentOrder(stageRanges)) {
    original.call(this);
    return;
  }
  const initialRange = this.initialInstructions.getRange();
  for (const comment of comments) {
    const range = comment.getRange();
    if (inside(range.end, initialRange)) {
      this.initialInstructions.addComment(comment);
      continue;
    }
    for (let i = firstEndingAtOrAfter(stageRanges, range.start); i < stageRanges.length && !before(range.start, stageRanges[i].start); i++) {
      if (inside(range.start, stageRanges[i])) {
        this.buildStages[i].addComment(comment);
      }
    }
  }
}

/** Runs `run` with dockerfile-ast placing comments in stages by binary search; the library is restored afterwards. */
export function withLinearCommentPlacement<T>(run: () => T): T {
  const prototype = DOCKERFILE_PROTOTYPE;
  const original = prototype.organizeComments;
  if (typeof original !== 'function') {
    return run();
  }
  prototype.organizeComments = function linearOrganizeComments(this: CommentOrganizer) {
    organizeComments.call(this, original);
  };
  try {
    return run();
  } finally {
    prototype.organizeComments = original;
  }
}
