// Blocks of the README and of docs/ written for a contract the package does not offer yet are
// reported as todo rather than failures; each entry is `file › heading`. None at present.
export const pendingBlocks = new Set([]);

/** The node:test `todo` of a block: why it cannot pass yet, or false. */
export const todoOf = ({ file, heading }) =>
  pendingBlocks.has(`${file} › ${heading}`) && "the package does not offer what this block shows yet";
