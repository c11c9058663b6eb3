/** `table[key]` for keys that come from recipe text: `constructor` or `toString` must not find Object.prototype's members. */
export function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
