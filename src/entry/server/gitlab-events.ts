import * as z from 'zod';
import type { BotEvent } from '../../app/bot.ts';

/** The fields gantry uses of GitLab's webhook payloads, validated before anything acts on them. */
const project = z.object({ path_with_namespace: z.string().min(1), default_branch: z.string().nullish() });
const sha = z.string().regex(/^[0-9a-f]{40}$/);
const files = z.array(z.string()).default([]);

const push = z.object({
  object_kind: z.literal('push'),
  ref: z.string(),
  after: sha,
  project,
  commits: z.array(z.object({ added: files, modified: files, removed: files })).default([]),
});
const tagPush = z.object({ object_kind: z.literal('tag_push'), ref: z.string(), after: sha, project });
const pipeline = z.object({
  object_kind: z.literal('pipeline'),
  object_attributes: z.object({ ref: z.string(), tag: z.boolean(), sha, status: z.string() }),
  project,
});
const mergeRequest = z.object({
  object_kind: z.literal('merge_request'),
  project,
  object_attributes: z.object({
    iid: z.number().int().positive(),
    action: z.string().optional(),
    source_project_id: z.number().int().nullish(),
    target_project_id: z.number().int().nullish(),
    last_commit: z.object({ id: sha }).nullish(),
    source_branch: z.string(),
    target_branch: z.string(),
    merge_commit_sha: sha.nullish(),
    description: z.string().nullish(),
  }),
});

const note = z.object({
  object_kind: z.literal('note'),
  project,
  user: z.object({ username: z.string() }),
  object_attributes: z.object({
    id: z.number().int(),
    note: z.string(),
    noteable_type: z.string(),
    action: z.string().optional(),
    system: z.boolean().optional(),
  }),
  merge_request: z
    .object({
      iid: z.number().int().positive(),
      source_branch: z.string(),
      target_branch: z.string(),
      source_project_id: z.number().int().nullish(),
      target_project_id: z.number().int().nullish(),
      description: z.string().nullish(),
    })
    .nullish(),
  issue: z.object({ iid: z.number().int().positive() }).nullish(),
});

const ZERO = '0000000000000000000000000000000000000000';

/** The project a payload is about (whose secret guards it), if it names one. */
export function projectOf(payload: unknown): string | undefined {
  const parsed = z.object({ project }).safeParse(payload);
  return parsed.success ? parsed.data.project.path_with_namespace : undefined;
}

export type Normalised = { event: BotEvent } | { ignored: string };

/** A GitLab webhook (by its X-Gitlab-Event header) as a bot event, or why it is ignored. */
export function normaliseGitLab(header: string, payload: unknown): Normalised {
  switch (header) {
    case 'Tag Push Hook': {
      const p = tagPush.safeParse(payload);
      if (!p.success) return invalid(header, p.error);
      if (p.data.after === ZERO) return { ignored: 'tag deleted' };
      const tag = p.data.ref.replace(/^refs\/tags\//, '');
      return {
        event: {
          kind: 'release',
          repo: p.data.project.path_with_namespace,
          tag,
          sha: p.data.after,
          trigger: 'tag',
        },
      };
    }
    case 'Pipeline Hook': {
      const p = pipeline.safeParse(payload);
      if (!p.success) return invalid(header, p.error);
      const a = p.data.object_attributes;
      if (a.status !== 'success') return { ignored: `pipeline ${a.status}` };
      if (!a.tag) return { ignored: 'not a tag pipeline' };
      return {
        event: {
          kind: 'release',
          repo: p.data.project.path_with_namespace,
          tag: a.ref,
          sha: a.sha,
          trigger: 'pipeline',
        },
      };
    }
    case 'Merge Request Hook': {
      const p = mergeRequest.safeParse(payload);
      if (!p.success) return invalid(header, p.error);
      const a = p.data.object_attributes;
      if (a.action === 'open' || a.action === 'reopen' || a.action === 'update') {
        if (!a.last_commit) return { ignored: 'merge request without commits' };
        return {
          event: {
            kind: 'change-request',
            repo: p.data.project.path_with_namespace,
            number: a.iid,
            head: a.source_branch,
            headSha: a.last_commit.id,
            fromFork: a.source_project_id !== a.target_project_id,
          },
        };
      }
      if (a.action !== 'merge') return { ignored: `merge request ${a.action ?? 'event'}` };
      return {
        event: {
          kind: 'merged',
          repo: p.data.project.path_with_namespace,
          number: a.iid,
          base: a.target_branch,
          mergeSha: a.merge_commit_sha ?? a.target_branch,
          head: a.source_branch,
          body: a.description ?? '',
        },
      };
    }
    case 'Push Hook': {
      const p = push.safeParse(payload);
      if (!p.success) return invalid(header, p.error);
      const branch = p.data.ref.replace(/^refs\/heads\//, '');
      if (branch !== p.data.project.default_branch)
        return { ignored: `push to ${branch}, not the default branch` };
      if (p.data.after === ZERO) return { ignored: 'branch deleted' };
      const changed = [...new Set(p.data.commits.flatMap((c) => [...c.added, ...c.modified, ...c.removed]))];
      return {
        event: {
          kind: 'default-branch-push',
          repo: p.data.project.path_with_namespace,
          branch,
          sha: p.data.after,
          changed,
        },
      };
    }
    case 'Note Hook': {
      const p = note.safeParse(payload);
      if (!p.success) return invalid(header, p.error);
      const a = p.data.object_attributes;
      if (a.system) return { ignored: 'system note' };
      const mr = p.data.merge_request;
      const target =
        a.noteable_type === 'MergeRequest'
          ? mr?.iid
          : a.noteable_type === 'Issue'
            ? p.data.issue?.iid
            : undefined;
      if (target === undefined) return { ignored: `note on a ${a.noteable_type}` };
      return {
        event: {
          kind: 'comment',
          comment: {
            forge: 'gitlab',
            repo: p.data.project.path_with_namespace,
            number: target,
            isPullRequest: a.noteable_type === 'MergeRequest',
            commentId: a.id,
            body: a.note,
            author: p.data.user.username,
            // GitLab's note hook does not flag bot users; gantry's own user is in ignoreAuthors.
            authorIsBot: false,
            edited: a.action === 'update',
            ...(a.noteable_type === 'MergeRequest' && mr
              ? {
                  pullRequest: {
                    fromFork: mr.source_project_id !== mr.target_project_id,
                    head: mr.source_branch,
                    base: mr.target_branch,
                    body: mr.description ?? '',
                  },
                }
              : {}),
          },
        },
      };
    }
    default:
      return { ignored: `event ${header || '(none)'} is not used` };
  }
}

function invalid(header: string, error: z.ZodError): Normalised {
  const first = error.issues[0];
  return {
    ignored: `${header} payload lacks ${first?.path.join('.') || 'fields'}: ${first?.message ?? 'invalid'}`,
  };
}
