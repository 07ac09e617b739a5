// Defers loading a module (and the SDKs and schemas behind it) from a cold start to the first call that needs it.

/**
 * `load` (an `import()`) runs on the first call only; later calls get the same promise. A failed load is forgotten,
 * so the next call tries again. In the deployed bundle each such import() is a chunk of its own (scripts/bundle.ts).
 */
export function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    if (!loading) {
      loading = load();
      loading.catch(() => (loading = undefined));
    }
    return loading;
  };
}
