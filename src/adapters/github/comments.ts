import { NotFoundError } from '../../core/errors.ts';
import type { ReactionName, ReactionTarget } from '../../ports/forge.ts';
import { call } from './errors.ts';
import type { GitHubClient } from './octokit.ts';
import type { RepoRef } from './repo.ts';

interface CommentNode {
  databaseId: number | null;
  url: string;
  body: string;
  viewerDidAuthor: boolean;
}

interface CommentPage {
  repository: {
    issueOrPullRequest: {
      comments: { pageInfo: { hasPreviousPage: boolean; startCursor: string | null }; nodes: CommentNode[] };
    } | null;
  } | null;
}

/**
 * Newest comments first (`last`/`before`), 100 per page. `viewerDidAuthor` keeps the search to
 * gantry's own comments without knowing its bot login, so a user who pastes the marker into
 * their comment cannot make gantry edit it (or fail trying).
 */
export const COMMENTS_QUERY = `query GantryComments($owner: String!, $name: String!, $number: Int!, $before: String) {
  repository(owner: $owner, name: $name) {
    issueOrPullRequest(number: $number) {
      ... on PullRequest { comments(last: 100, before: $before) { ...GantryCommentPage } }
      ... on Issue { comments(last: 100, before: $before) { ...GantryCommentPage } }
    }
  }
}
fragment GantryCommentPage on IssueCommentConnection {
  pageInfo { hasPreviousPage startCursor }
  nodes { databaseId url body viewerDidAuthor }
}`;

/** gantry's newest comment carrying `marker`: one query per 100 comments, newest page first. */
export async function findOwnComment(
  client: GitHubClient,
  repo: RepoRef,
  number: number,
  marker: string,
): Promise<{ id: number; url: string; body: string } | null> {
  const what = `GitHub comments ${repo.owner}/${repo.repo}#${number}`;
  let before: string | null = null;
  for (;;) {
    const variables: Record<string, unknown> = { owner: repo.owner, name: repo.repo, number, before };
    const data: CommentPage = await call(what, () => client.graphql<CommentPage>(COMMENTS_QUERY, variables));
    const page = data.repository?.issueOrPullRequest?.comments;
    if (!page) throw new NotFoundError(`${what}: no such pull request`);
    for (const node of [...page.nodes].reverse()) {
      if (node.viewerDidAuthor && node.databaseId !== null && node.body.includes(marker)) {
        return { id: node.databaseId, url: node.url, body: node.body };
      }
    }
    if (!page.pageInfo.hasPreviousPage || !page.pageInfo.startCursor) return null;
    before = page.pageInfo.startCursor;
  }
}

export async function upsertComment(
  client: GitHubClient,
  repo: RepoRef,
  number: number,
  marker: string,
  body: string,
): Promise<{ id: number; url: string; created: boolean }> {
  const text = body.includes(marker) ? body : `${body}\n\n${marker}`;
  const existing = await findOwnComment(client, repo, number, marker);
  if (existing) {
    const { data } = await call(`GitHub update comment ${repo.owner}/${repo.repo}#${number}`, () =>
      client.rest.issues.updateComment({ ...repo, comment_id: existing.id, body: text }),
    );
    return { id: data.id, url: data.html_url, created: false };
  }
  const created = await createComment(client, repo, number, text);
  return { ...created, created: true };
}

export async function createComment(
  client: GitHubClient,
  repo: RepoRef,
  number: number,
  body: string,
): Promise<{ id: number; url: string }> {
  const { data } = await call(`GitHub comment ${repo.owner}/${repo.repo}#${number}`, () =>
    client.rest.issues.createComment({ ...repo, issue_number: number, body }),
  );
  return { id: data.id, url: data.html_url };
}

/** Reactions are idempotent on GitHub: adding one that exists answers 200 with it. */
export async function addReaction(
  client: GitHubClient,
  repo: RepoRef,
  target: ReactionTarget,
  reaction: ReactionName,
): Promise<void> {
  const where = target.kind === 'comment' ? `comment ${target.id}` : `#${target.pullRequest}`;
  await call(`GitHub reaction ${reaction} on ${repo.owner}/${repo.repo} ${where}`, () =>
    target.kind === 'comment' && target.review
      ? client.rest.reactions.createForPullRequestReviewComment({
          ...repo,
          comment_id: target.id,
          content: reaction,
        })
      : target.kind === 'comment'
        ? client.rest.reactions.createForIssueComment({ ...repo, comment_id: target.id, content: reaction })
        : client.rest.reactions.createForIssue({
            ...repo,
            issue_number: target.pullRequest,
            content: reaction,
          }),
  );
}
