// The names a workspace gives its hosted zones, secrets and tool catalogs (references.ts): read by
// anyone and by the import form, replaced as a whole by an admin.
import type { NamedReference, StoredReference } from '../domain/references.js';
import type { Store } from '../store/store.js';

export class References {
  constructor(private readonly store: Store) {}

  list(teamId: string): Promise<StoredReference[]> {
    return this.store.listReferences(teamId);
  }

  /** The workspace's names become exactly `references`; requests already stored keep their UUIDs. */
  replace(teamId: string, references: readonly NamedReference[], updatedBy: string, at: number): Promise<void> {
    return this.store.replaceReferences(teamId, references, updatedBy, at);
  }
}
