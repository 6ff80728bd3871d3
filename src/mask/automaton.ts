// One Aho-Corasick automaton over bytes for every pattern at once, so masking costs one pass whatever the count.

/**
 * States are numbered breadth-first, so the shallow ones come first and a state's children have
 * consecutive numbers. The first `denseCount` states get a full 256-wide transition row: typical text
 * keeps the automaton within the first levels, where one array read per byte decides. Deeper states,
 * mostly long single-child chains, keep only their edges and fall back along failure links.
 */
export interface Automaton {
  readonly stateCount: number;
  readonly denseCount: number;
  /** `dense[(state << 8) | byte]`: the next state, for states below `denseCount`. */
  readonly dense: Int32Array;
  readonly fail: Int32Array;
  /** Length of the state's string: the longest suffix of the input that is a prefix of some pattern. */
  readonly depth: Int32Array;
  /** Length of the longest pattern that ends the state's string, 0 when none does. */
  readonly longestMatch: Int32Array;
  readonly firstChild: Int32Array;
  readonly childCount: Int32Array;
  /** The byte on the edge that enters each state. */
  readonly edgeByte: Uint8Array;
  readonly maxPatternLength: number;
}

/** About 4 MiB of dense rows: enough for the first two or three levels of hundreds of values' forms. */
export const DEFAULT_DENSE_STATE_LIMIT = 4096;

/** The state after reading `byte` in `state`, for any state (the hot loop inlines the dense case). */
export function nextState(automaton: Automaton, state: number, byte: number): number {
  const { denseCount, firstChild, childCount, edgeByte, fail, dense } = automaton;
  let current = state;
  while (current >= denseCount) {
    const first = firstChild[current] as number;
    const end = first + (childCount[current] as number);
    for (let child = first; child < end; child++) {
      if (edgeByte[child] === byte) return child;
    }
    current = fail[current] as number;
  }
  return dense[(current << 8) | byte] as number;
}

/** Builds the automaton; empty patterns are ignored, duplicates are harmless. */
export function buildAutomaton(
  patterns: readonly Uint8Array[],
  denseStateLimit: number = DEFAULT_DENSE_STATE_LIMIT,
): Automaton {
  const trie = buildTrie(patterns);
  const stateCount = trie.count;
  const depth = new Int32Array(stateCount);
  const firstChild = new Int32Array(stateCount);
  const childCount = new Int32Array(stateCount);
  const edgeByte = new Uint8Array(stateCount);
  const isPatternEnd = new Uint8Array(stateCount);

  // Breadth-first renumbering: `order[newState]` is the trie node.
  const order = new Int32Array(stateCount);
  let next = 1;
  for (let state = 0; state < stateCount; state++) {
    firstChild[state] = next;
    for (
      let node = trie.firstChild[order[state] as number] as number;
      node !== -1;
      node = trie.sibling[node] as number
    ) {
      order[next] = node;
      edgeByte[next] = trie.byte[node] as number;
      isPatternEnd[next] = trie.isEnd[node] as number;
      depth[next] = (depth[state] as number) + 1;
      next++;
    }
    childCount[state] = next - (firstChild[state] as number);
  }

  const denseCount = Math.max(1, Math.min(stateCount, denseStateLimit));
  const automaton: Automaton = {
    stateCount,
    denseCount,
    dense: new Int32Array(denseCount * 256),
    fail: new Int32Array(stateCount),
    depth,
    longestMatch: new Int32Array(stateCount),
    firstChild,
    childCount,
    edgeByte,
    maxPatternLength: trie.maxLength,
  };
  const { dense, fail, longestMatch } = automaton;
  // In breadth-first order a state's failure target is shallower, so its row and links already exist.
  for (let state = 0; state < stateCount; state++) {
    const first = firstChild[state] as number;
    const end = first + (childCount[state] as number);
    if (state < denseCount) {
      const row = state << 8;
      if (state !== 0)
        dense.copyWithin(row, (fail[state] as number) << 8, ((fail[state] as number) << 8) + 256);
      for (let child = first; child < end; child++) dense[row | (edgeByte[child] as number)] = child;
    }
    for (let child = first; child < end; child++) {
      const target = state === 0 ? 0 : nextState(automaton, fail[state] as number, edgeByte[child] as number);
      fail[child] = target;
      longestMatch[child] =
        isPatternEnd[child] === 1 ? (depth[child] as number) : (longestMatch[target] as number);
    }
  }
  return automaton;
}

interface Trie {
  readonly count: number;
  readonly firstChild: Int32Array;
  readonly sibling: Int32Array;
  readonly byte: Uint8Array;
  readonly isEnd: Uint8Array;
  readonly maxLength: number;
}

/** A plain trie in first-child / next-sibling arrays: compact while the pattern set is being inserted. */
function buildTrie(patterns: readonly Uint8Array[]): Trie {
  let capacity = 1;
  let maxLength = 0;
  for (const pattern of patterns) {
    capacity += pattern.length;
    maxLength = Math.max(maxLength, pattern.length);
  }
  const firstChild = new Int32Array(capacity).fill(-1);
  const sibling = new Int32Array(capacity).fill(-1);
  const byte = new Uint8Array(capacity);
  const isEnd = new Uint8Array(capacity);
  let count = 1;
  for (const pattern of patterns) {
    if (pattern.length === 0) continue;
    let node = 0;
    for (const value of pattern) {
      let child = firstChild[node] as number;
      while (child !== -1 && byte[child] !== value) child = sibling[child] as number;
      if (child === -1) {
        child = count++;
        byte[child] = value;
        sibling[child] = firstChild[node] as number;
        firstChild[node] = child;
      }
      node = child;
    }
    isEnd[node] = 1;
  }
  return { count, firstChild, sibling, byte, isEnd, maxLength };
}
