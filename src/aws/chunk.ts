// Splits a list into the batches of a call that takes at most `size` at once (BatchGetSecretValue, GetParameters).

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
