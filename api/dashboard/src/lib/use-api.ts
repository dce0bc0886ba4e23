/** Loads an admin API resource into a component: loading, its data or its error, and a reload. */
import { useCallback, useEffect, useState } from "react";

export type Loaded<T> =
  | { status: "loading"; reload: () => void }
  | { status: "error"; error: unknown; reload: () => void }
  | { status: "ready"; data: T; reload: () => void };

type State<T> = { status: "loading" } | { status: "error"; error: unknown } | { status: "ready"; data: T };

/**
 * `deps` name what the load depends on: when they change the component shows loading again (data for
 * another filter must not stand in for this one's); a reload keeps the current data until the new arrives.
 */
export function useApi<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const key = JSON.stringify(deps);
  const [state, setState] = useState<{ key: string; value: State<T> }>({ key, value: { status: "loading" } });
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller names what the load depends on, as `key`
  useEffect(() => {
    let live = true;
    load().then(
      (data) => live && setState({ key, value: { status: "ready", data } }),
      (error: unknown) => live && setState({ key, value: { status: "error", error } }),
    );
    return () => {
      live = false;
    };
  }, [key, generation]);
  const value: State<T> = state.key === key ? state.value : { status: "loading" };
  return { ...value, reload } as Loaded<T>;
}
