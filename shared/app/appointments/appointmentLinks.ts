// The appointment links: the shared link storage (sync/links) bound to the appointment kind.
import { appointmentKind } from "../../domain/appointments/appointmentKind.js";
import type { Link } from "../../domain/sync/link.js";
import { allLinksOf, linkOfErpKey, linksOfOutlookIds, type LinkDeps } from "../sync/links.js";

export {
  isLinkRace,
  PENDING_HSAREF_PREFIX,
  pendingHsaRef,
  removeLink,
  saveLink,
  toDomainLink,
  toLinkInput,
} from "../sync/links.js";

/** The appointment link of an ERP key, as stored now. */
export const linkByErpKey = (deps: LinkDeps, user: string, kco: string, hsaRef: string): Promise<Link | undefined> =>
  linkOfErpKey(deps, appointmentKind.name, user, kco, hsaRef);

/** The appointment links of the given Outlook ids (one point read each), by Outlook id. */
export const linksByOutlookIds = (deps: LinkDeps, user: string, outlookIds: Iterable<string>) =>
  linksOfOutlookIds(deps, appointmentKind.name, user, outlookIds);

/** Every appointment link of a user, by Outlook id (one partition query). */
export const allAppointmentLinks = (deps: LinkDeps, user: string) => allLinksOf(deps, appointmentKind.name, user);
