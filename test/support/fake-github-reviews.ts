import type { FakeComment, FakeGitHub, FakePull } from './fake-github.ts';
import { notFound } from './fake-github.ts';
import { exampleResponse } from './github-openapi.ts';

type Json = Record<string, unknown>;

/** Pull requests, comments, reactions, statuses, permissions and teams of the fake GitHub. */
export function githubReviewRoutes(fake: FakeGitHub, repo: string): void {
  const http = fake.http;
  const pullOf = (n: string) => fake.pulls.find((p) => p.number === Number(n));
  http.on('GET', `${repo}/pulls`, (req) => {
    const [owner, branch] = (req.query.head ?? ':').split(':');
    const list = fake.pulls.filter(
      (p) =>
        // GitHub lists open pull requests unless asked for `closed` or `all`.
        ((req.query.state ?? 'open') === 'all' || p.state === (req.query.state ?? 'open')) &&
        (!req.query.head || (p.head === branch && (owner === fake.owner) === !p.fork)),
    );
    return { body: list.reverse().map((p) => fake.pullJson(p)) };
  });
  http.on('POST', `${repo}/pulls`, (req) => {
    const body = req.body as { head: string; base: string; title: string; body?: string; draft?: boolean };
    if (
      fake.pulls.some((p) => p.state === 'open' && p.head === body.head && p.base === body.base && !p.fork)
    ) {
      return {
        status: 422,
        body: {
          message: 'Validation Failed',
          errors: [
            {
              resource: 'PullRequest',
              code: 'custom',
              message: `A pull request already exists for ${fake.owner}:${body.head}.`,
            },
          ],
          status: '422',
        },
      };
    }
    const pull: FakePull = {
      number: fake.pulls.length + 1,
      title: body.title,
      body: body.body ?? '',
      head: body.head,
      base: body.base,
      state: 'open',
      merged: false,
      author: fake.viewer,
      fork: false,
      labels: [],
    };
    fake.pulls.push(pull);
    return { status: 201, body: fake.pullJson(pull) };
  });
  http.on('GET', `${repo}/pulls/:n`, (_req, p) => {
    const pull = pullOf(p.n!);
    return pull ? { body: fake.pullJson(pull) } : notFound;
  });
  // "Merge a pull request": 405 when it is not open, 409 when `sha` is not the head.
  http.on('PUT', `${repo}/pulls/:n/merge`, (req, p) => {
    const pull = pullOf(p.n!);
    if (!pull) return notFound;
    if (pull.state !== 'open') return { status: 405, body: { message: 'Pull Request is not mergeable' } };
    const sha = (req.body as { sha?: string } | undefined)?.sha;
    if (sha !== undefined && sha !== fake.git.branches.get(pull.head))
      return { status: 409, body: { message: 'Head branch was modified. Review and try the merge again.' } };
    const merged = fake.mergePull(pull);
    return { body: { sha: merged, merged: true, message: 'Pull Request successfully merged' } };
  });
  http.on('PATCH', `${repo}/pulls/:n`, (req, p) => {
    const pull = pullOf(p.n!);
    if (!pull) return notFound;
    Object.assign(pull, req.body);
    return { body: fake.pullJson(pull) };
  });
  http.on('POST', `${repo}/issues/:n/labels`, (req, p) => {
    const pull = pullOf(p.n!);
    if (!pull) return notFound;
    pull.labels.push(...(req.body as { labels: string[] }).labels);
    return {
      body: pull.labels.map((name) => ({
        ...exampleResponse<Json[]>('POST', '/repos/{owner}/{repo}/issues/{issue_number}/labels')[0],
        name,
      })),
    };
  });
  http.on('POST', `${repo}/issues/:n/comments`, (req, p) => {
    const comment: FakeComment = {
      id: fake.newId(),
      issue: Number(p.n),
      body: (req.body as { body: string }).body,
      author: fake.viewer,
      reactions: [],
    };
    fake.comments.push(comment);
    return { status: 201, body: fake.commentJson(comment) };
  });
  http.on('PATCH', `${repo}/issues/comments/:id`, (req, p) => {
    const comment = fake.comments.find((c) => c.id === Number(p.id));
    if (!comment) return notFound;
    if (comment.author !== fake.viewer)
      return { status: 403, body: { message: 'Resource not accessible by integration', status: '403' } };
    comment.body = (req.body as { body: string }).body;
    return { body: fake.commentJson(comment) };
  });
  const reaction = (content: string) => ({
    ...exampleResponse<Json>('POST', '/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions', 201),
    content,
  });
  http.on('POST', `${repo}/issues/comments/:id/reactions`, (req, p) => {
    const comment = fake.comments.find((c) => c.id === Number(p.id));
    if (!comment) return notFound;
    const content = (req.body as { content: string }).content;
    if (comment.reactions.includes(content)) return { status: 200, body: reaction(content) };
    comment.reactions.push(content);
    return { status: 201, body: reaction(content) };
  });
  http.on('POST', `${repo}/pulls/comments/:id/reactions`, (req, p) => {
    const comment = fake.reviewComments.find((c) => c.id === Number(p.id));
    if (!comment) return notFound;
    const content = (req.body as { content: string }).content;
    if (comment.reactions.includes(content)) return { status: 200, body: reaction(content) };
    comment.reactions.push(content);
    return { status: 201, body: reaction(content) };
  });
  http.on('POST', `${repo}/issues/:n/reactions`, (req, p) => {
    fake.pullReactions.push({ issue: Number(p.n), content: (req.body as { content: string }).content });
    return { status: 201, body: reaction((req.body as { content: string }).content) };
  });
  http.on('POST', `${repo}/statuses/:sha`, (req, p) => {
    const body = req.body as { state: string; context: string; description?: string; target_url?: string };
    fake.statuses.push({ sha: p.sha!, ...body });
    return {
      status: 201,
      body: { ...exampleResponse<Json>('POST', '/repos/{owner}/{repo}/statuses/{sha}', 201), ...body },
    };
  });
  http.on('GET', `${repo}/collaborators/:user/permission`, (_req, p) => {
    const found = fake.permissions.get(p.user!);
    if (!found) return notFound;
    const json = exampleResponse<Json>('GET', '/repos/{owner}/{repo}/collaborators/{username}/permission');
    return { body: { ...json, ...found, user: { ...(json.user as Json), login: p.user } } };
  });
  http.on('GET', '/orgs/:org/teams/:team/memberships/:user', (_req, p) => {
    const state = fake.teams.get(`${p.org}/${p.team}`)?.get(p.user!);
    if (!state) return notFound;
    return {
      body: {
        ...exampleResponse<Json>('GET', '/orgs/{org}/teams/{team_slug}/memberships/{username}'),
        state,
      },
    };
  });
}
