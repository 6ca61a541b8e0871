import type { ReactionName, ReactionTarget } from '../../ports/forge.ts';
import type { GitLabApi } from './client.ts';
import { call, toGantryError } from './errors.ts';

interface GlNote {
  id: number;
  body: string;
  system: boolean;
  author: { id: number };
}

/** The port's reaction names → GitLab award emoji names. */
export const AWARD_EMOJI: Record<ReactionName, string> = {
  eyes: 'eyes',
  rocket: 'rocket',
  confused: 'confused',
  '+1': 'thumbsup',
  '-1': 'thumbsdown',
};

/**
 * gantry's newest note carrying `marker`: notes newest-first, 100 per page, stopping at the
 * first page that has it; only notes authored by `self` (the token's user) and not system notes.
 */
export async function findOwnNote(
  api: GitLabApi,
  project: string,
  iid: number,
  marker: string,
  self: number,
): Promise<{ id: number; body: string } | null> {
  for (let page = 1; ; page++) {
    const { data, paginationInfo } = (await call(`GitLab notes ${project}!${iid}`, () =>
      api.MergeRequestNotes.all(project, iid, {
        sort: 'desc',
        orderBy: 'created_at',
        perPage: 100,
        page,
        showExpanded: true,
      }),
    )) as unknown as { data: GlNote[]; paginationInfo: { next: number | null } };
    const note = data.find((n) => !n.system && n.author.id === self && n.body.includes(marker));
    if (note) return { id: note.id, body: note.body };
    if (!paginationInfo.next || data.length === 0) return null;
  }
}

export function noteUrl(webUrl: string, project: string, iid: number, id: number): string {
  return `${webUrl}/${project}/-/merge_requests/${iid}#note_${id}`;
}

export async function createNote(
  api: GitLabApi,
  project: string,
  iid: number,
  body: string,
): Promise<number> {
  const note = await call(`GitLab comment ${project}!${iid}`, () =>
    api.MergeRequestNotes.create(project, iid, body),
  );
  return (note as unknown as GlNote).id;
}

export function issueNoteUrl(webUrl: string, project: string, iid: number, id: number): string {
  return `${webUrl}/${project}/-/issues/${iid}#note_${id}`;
}

export async function createIssueNote(
  api: GitLabApi,
  project: string,
  iid: number,
  body: string,
): Promise<number> {
  const note = await call(`GitLab comment ${project}#${iid}`, () =>
    api.IssueNotes.create(project, iid, body),
  );
  return (note as unknown as GlNote).id;
}

export async function editNote(
  api: GitLabApi,
  project: string,
  iid: number,
  id: number,
  body: string,
): Promise<void> {
  await call(`GitLab update comment ${project}!${iid}`, () =>
    api.MergeRequestNotes.edit(project, iid, id, { body }),
  );
}

/** Award emoji; awarding one that is already there answers 404 "has already been taken" — that is success. */
export async function awardEmoji(
  api: GitLabApi,
  project: string,
  target: ReactionTarget,
  reaction: ReactionName,
): Promise<void> {
  const name = AWARD_EMOJI[reaction];
  const where = target.kind === 'comment' ? `note ${target.id}` : `!${target.pullRequest}`;
  try {
    if (target.kind === 'comment' && target.issue) {
      await api.IssueNoteAwardEmojis.award(project, target.pullRequest, target.id, name);
    } else if (target.kind === 'comment') {
      await api.MergeRequestNoteAwardEmojis.award(project, target.pullRequest, target.id, name);
    } else {
      await api.MergeRequestAwardEmojis.award(project, target.pullRequest, name);
    }
  } catch (error) {
    const converted = toGantryError(error, `GitLab award ${name} on ${project} ${where}`);
    if (/has already been taken/i.test(converted.message)) return;
    throw converted;
  }
}
