import type { Session } from '../session.js';

/** The importer settings of `createImportJob`: CSV settings are documented upstream, others pass through. */
export interface ImportJobSettings {
  type: string;
  csv?: {
    content: string;
    fileName?: string | null;
    columnMapping?: Array<{ csvHeader: string; targetColumnId: string }> | null;
    mergeStrategy?: string | null;
  } | null;
  options?: Record<string, unknown> | null;
}

/** Lead lists: v1 documents only these writes (there is no list read). */
export function listOperations(session: Session) {
  return {
    addLeads: (listId: string, platformIds: string[]) =>
      session.write((rest) =>
        rest.post('/lists/{listId}/leads', { path: { listId }, body: { platformIds } }),
      ),
    removeLeads: (listId: string, platformIds: string[]) =>
      session.write((rest) =>
        rest.delete('/lists/{listId}/leads', { path: { listId }, body: { platformIds } }),
      ),
    updateLead: (listId: string, platformId: string, data: Record<string, unknown>) =>
      session.write((rest) =>
        rest.patch('/lists/{listId}/leads/{platformId}', { path: { listId, platformId }, body: { data } }),
      ),
    /** The importer's settings travel in `data`, with the type; only the CSV ones are documented. */
    createImportJob: (listId: string, { type, csv, options }: ImportJobSettings) => {
      const csvSettings = csv && {
        content: csv.content,
        ...(csv.fileName && { fileName: csv.fileName }),
        ...(csv.columnMapping && { columnMapping: csv.columnMapping }),
        ...(csv.mergeStrategy && { mergeStrategy: csv.mergeStrategy }),
      };
      return session.write((rest) =>
        rest.post('/lists/{listId}/import-jobs', {
          path: { listId },
          body: { data: { ...options, ...csvSettings, type } },
        }),
      );
    },
  };
}
