// The result types moved to src/result/types.ts (below metrics/ and report/, which both read them); this
// re-export keeps older import paths compiling.
export * from '../result/types.ts';
