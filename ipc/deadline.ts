// A promise bounded in time: the leader's checkpoint steps and `supervisor serve`'s requests.

/** `work`, or the error `onTimeout()` makes if it has not settled within `ms` milliseconds. */
export function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
