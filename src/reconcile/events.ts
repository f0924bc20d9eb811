// The Events a reconcile emits, from the notices its concerns recorded: one per kind of transition, not one
// per change, so a new resource reaching Ready makes one Created Event instead of one per AWS resource.
//
// | notices of kind      | Event                                             |
// |----------------------|---------------------------------------------------|
// | created (+ changed)  | Normal Created, listing what was created or set   |
// | changed only         | Normal Updated, naming what changed               |
// | drift                | Warning DriftCorrected, naming what drifted       |
// | deleted              | Normal Deleting, or Deleted once nothing is left  |
// | warning              | Warning with the notice's own reason, one each    |
import type { EventType } from "../controller/events.ts";
import type { Notice } from "./common/context.ts";

export interface PlannedEvent {
  readonly type: EventType;
  readonly reason: string;
  readonly message: string;
}

/** The notices' messages in order; the EventRecorder cuts a message that is too long for an Event. */
function summary(notices: readonly Notice[]): string {
  return notices.map((notice) => notice.message).join("; ");
}

export function eventsFor(notices: readonly Notice[], options: { readonly deletionComplete?: boolean } = {}): PlannedEvent[] {
  const of = (kind: Notice["kind"]) => notices.filter((notice) => notice.kind === kind);
  const created = of("created");
  const changed = of("changed");
  const drift = of("drift");
  const deleted = of("deleted");
  const events: PlannedEvent[] = [];
  if (created.length > 0) events.push({ type: "Normal", reason: "Created", message: summary([...created, ...changed]) });
  else if (changed.length > 0) events.push({ type: "Normal", reason: "Updated", message: summary(changed) });
  if (drift.length > 0) events.push({ type: "Warning", reason: "DriftCorrected", message: summary(drift) });
  if (deleted.length > 0 || options.deletionComplete === true) {
    events.push({ type: "Normal", reason: options.deletionComplete === true ? "Deleted" : "Deleting", message: deleted.length > 0 ? summary(deleted) : "nothing was left to delete" });
  }
  for (const warning of of("warning")) events.push({ type: "Warning", reason: warning.reason, message: warning.message });
  return events;
}
