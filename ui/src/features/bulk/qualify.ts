/**
 * Which bulk actions the selected assets qualify for (SPEC R5.2: a button that no selected asset
 * qualifies for is disabled and says why). Pure: it reads counts by status and brand kind, which
 * come from the picked assets or, for "all results", from count queries.
 */
import type { ReviewAction, Status } from '../../lib/api/client';

export interface SelectionStats {
  count: number;
  byStatus: Record<Status, number>;
  /** Assets on a Personal brand. */
  personal: number;
  /** Drafts on a team brand (the ones that can be submitted). */
  draftTeam: number;
}

export function emptyStats(): SelectionStats {
  return {
    count: 0,
    byStatus: { draft: 0, in_review: 0, approved: 0, rejected: 0, archived: 0 },
    personal: 0,
    draftTeam: 0,
  };
}

/** Stats of explicitly picked assets. */
export function statsOf(items: { status: string; brand: string }[], isPersonal: (brand: string) => boolean): SelectionStats {
  const s = emptyStats();
  for (const it of items) {
    s.count += 1;
    const st = it.status as Status;
    if (st in s.byStatus) s.byStatus[st] += 1;
    const personal = isPersonal(it.brand);
    if (personal) s.personal += 1;
    if (st === 'draft' && !personal) s.draftTeam += 1;
  }
  return s;
}

/** `null` when the action applies to at least one selected asset, else why not. */
export type Verdict = string | null;

export interface Verdicts {
  campaign: Verdict;
  moveProject: Verdict;
  moveBrand: Verdict;
  delete: Verdict;
  review: Record<ReviewAction, Verdict>;
}

export function qualify(s: SelectionStats): Verdicts {
  const none = s.count === 0 ? 'Nothing is selected' : null;
  const approvedOnly = s.count > 0 && s.byStatus.approved === s.count;
  const archivedOnly = s.count > 0 && s.byStatus.archived === s.count;
  const locked = approvedOnly ? 'Approved work is locked — archive it first' : null;
  const review: Record<ReviewAction, Verdict> = {
    submit:
      none ??
      (s.draftTeam > 0
        ? null
        : s.byStatus.draft > 0
          ? 'Personal-brand assets skip review — move them to a team brand first'
          : 'Only drafts can be submitted, and none is selected'),
    approve: none ?? (s.byStatus.in_review > 0 ? null : 'Only assets in review can be approved'),
    request_changes: none ?? (s.byStatus.in_review > 0 ? null : 'Only assets in review can be sent back'),
    revise: none ?? (s.byStatus.rejected > 0 ? null : 'Only assets with changes requested can be revised'),
    archive: none ?? (archivedOnly ? 'Everything selected is archived already' : null),
    unarchive: none ?? (s.byStatus.archived > 0 ? null : 'Only archived assets can be unarchived'),
  };
  return {
    campaign:
      none ?? (s.count > 0 && s.personal === s.count ? "Personal-brand assets can't join campaigns" : null),
    moveProject: none ?? locked,
    moveBrand: none ?? locked,
    delete: none ?? (approvedOnly ? "Approved work can't be deleted — archive it first" : null),
    review,
  };
}

export const REVIEW_LABEL: Record<ReviewAction, string> = {
  submit: 'Submit for review',
  approve: 'Approve',
  request_changes: 'Request changes',
  revise: 'Revise (back to draft)',
  archive: 'Archive',
  unarchive: 'Unarchive',
};

export const REVIEW_VERB: Record<ReviewAction, string> = {
  submit: 'submitted',
  approve: 'approved',
  request_changes: 'sent back with changes requested',
  revise: 'back to draft',
  archive: 'archived',
  unarchive: 'unarchived',
};

/** Actions that destroy or send work away ask first (SPEC R5.2). */
export const REVIEW_CONFIRM: Partial<Record<ReviewAction, string>> = {
  request_changes: 'Request changes',
  archive: 'Archive',
};
