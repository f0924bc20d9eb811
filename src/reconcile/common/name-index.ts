// Ids of AWS resources by name, from one listing shared by every reconcile and kept up to date with this
// process's own creations and removals. It turns "find my resource by name" from a listing of every resource
// (pages for each of N resources, O(N²) calls in all) into one listing per maxAge. A hit is a hint that the
// caller confirms by id; a miss is authoritative because the operator is the only writer of its names.

export interface NameIndexOptions {
  /** How long one listing is trusted before the next lookup lists again. */
  readonly maxAgeMs: number;
  readonly now?: () => number;
}

interface Snapshot {
  readonly at: number;
  readonly ids: Promise<Map<string, string>>;
}

export class NameIndex {
  readonly #options: NameIndexOptions;
  #snapshot: Snapshot | undefined;

  constructor(options: NameIndexOptions) {
    this.#options = options;
  }

  /** The id listed under `name`; lists with `list` when there is no listing young enough. A failed listing is not kept. */
  async lookup(name: string, list: () => Promise<Map<string, string>>): Promise<string | undefined> {
    const now = this.#options.now?.() ?? Date.now();
    let snapshot = this.#snapshot;
    if (snapshot === undefined || now - snapshot.at >= this.#options.maxAgeMs) {
      const fresh: Snapshot = { at: now, ids: list() };
      fresh.ids.catch(() => {
        if (this.#snapshot === fresh) this.#snapshot = undefined;
      });
      this.#snapshot = fresh;
      snapshot = fresh;
    }
    return (await snapshot.ids).get(name);
  }

  /** Records a resource this process created. */
  remember(name: string, id: string): void {
    void this.#snapshot?.ids.then((ids) => ids.set(name, id), () => undefined);
  }

  /** Drops a name whose id turned out to be gone or someone else's. */
  forget(name: string): void {
    void this.#snapshot?.ids.then((ids) => ids.delete(name), () => undefined);
  }
}
