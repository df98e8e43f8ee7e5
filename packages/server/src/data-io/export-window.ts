/** Where a page starts: after the last record of the previous one, in (createdAt, id) order. */
export interface PageCursor {
  createdAt: string;
  id: string;
}

/** Which records an export covers: one organization, created in [from, to). */
export interface ExportWindow {
  organizationId: string;
  from: string | undefined;
  to: string;
}
