import type { FakeGitLab, FakeMergeRequest, FakeNote } from './fake-gitlab.ts';
import { badRequest, gitlabNotFound } from './fake-gitlab.ts';
import type { FakeResponse, Handler } from './fake-http.ts';
import { gitLabMergeRequest, gitLabNote, gitLabUser } from './gitlab-bodies.ts';

/** Merge requests, notes, award emoji and commit statuses of the fake GitLab project. */
export function gitlabReviewRoutes(fake: FakeGitLab, p: string, own: (handler: Handler) => Handler): void {
  const http = fake.http;
  const mrOf = (iid: string) => fake.mergeRequests.find((m) => m.iid === Number(iid));
  http.on(
    'GET',
    `${p}/merge_requests`,
    own((req) => {
      const list = fake.mergeRequests.filter(
        (m) =>
          (!req.query.state || m.state === req.query.state) &&
          (!req.query.source_branch || m.source_branch === req.query.source_branch),
      );
      return { body: [...list].reverse().map((m) => gitLabMergeRequest(fake, m)) };
    }),
  );
  http.on(
    'POST',
    `${p}/merge_requests`,
    own((req) => {
      const body = req.body as {
        source_branch: string;
        target_branch: string;
        title: string;
        description?: string;
        labels?: string;
      };
      const open = fake.mergeRequests.find(
        (m) =>
          m.state === 'opened' &&
          !m.fork &&
          m.source_branch === body.source_branch &&
          m.target_branch === body.target_branch,
      );
      if (open)
        return {
          status: 409,
          body: {
            message: [`Another open merge request already exists for this source branch: !${open.iid}`],
          },
        };
      const mr: FakeMergeRequest = {
        iid: fake.mergeRequests.length + 1,
        title: body.title,
        description: body.description ?? '',
        source_branch: body.source_branch,
        target_branch: body.target_branch,
        state: 'opened',
        author: fake.self.username,
        fork: false,
        labels: body.labels ? body.labels.split(',') : [],
        awards: [],
      };
      fake.mergeRequests.push(mr);
      return { status: 201, body: gitLabMergeRequest(fake, mr) };
    }),
  );
  http.on(
    'GET',
    `${p}/merge_requests/:iid`,
    own((_req, params) => {
      const mr = mrOf(params.iid!);
      return mr ? { body: gitLabMergeRequest(fake, mr) } : gitlabNotFound('Merge Request');
    }),
  );
  http.on(
    'PUT',
    `${p}/merge_requests/:iid`,
    own((req, params) => {
      const mr = mrOf(params.iid!);
      if (!mr) return gitlabNotFound('Merge Request');
      Object.assign(mr, req.body);
      return { body: gitLabMergeRequest(fake, mr) };
    }),
  );
  // "Merge a merge request": with auto_merge (or the older merge_when_pipeline_succeeds) it
  // waits for a running pipeline, else merges now; 405 when not open, 409 when `sha` is not the head.
  http.on(
    'PUT',
    `${p}/merge_requests/:iid/merge`,
    own((req, params) => {
      const mr = mrOf(params.iid!);
      if (!mr) return gitlabNotFound('Merge Request');
      if (mr.state !== 'opened') return { status: 405, body: { message: '405 Method Not Allowed' } };
      const body = (req.body ?? {}) as {
        sha?: string;
        auto_merge?: boolean;
        merge_when_pipeline_succeeds?: boolean;
      };
      if (body.sha !== undefined && body.sha !== fake.git.branches.get(mr.source_branch))
        return { status: 409, body: { message: 'SHA does not match HEAD of source branch' } };
      const auto = body.auto_merge === true || body.merge_when_pipeline_succeeds === true;
      if (mr.pipelineRunning) {
        if (!auto) return { status: 405, body: { message: '405 Method Not Allowed' } };
        mr.autoMerge = true;
        return { body: gitLabMergeRequest(fake, mr) };
      }
      const head = fake.git.commits.get(fake.git.branches.get(mr.source_branch)!)!;
      const sha = fake.git.writeCommit({
        tree: head.tree,
        parents: [fake.git.branches.get(mr.target_branch)!, head.sha],
        message: `Merge branch '${mr.source_branch}' into '${mr.target_branch}'\n\nSee merge request ${fake.project}!${mr.iid}`,
      });
      fake.git.branches.set(mr.target_branch, sha);
      mr.state = 'merged';
      return { body: gitLabMergeRequest(fake, mr) };
    }),
  );
  http.on(
    'GET',
    `${p}/merge_requests/:iid/notes`,
    own((req, params) => {
      const list = fake.notes.filter((n) => n.iid === Number(params.iid));
      const sorted = req.query.sort === 'desc' ? [...list].reverse() : list;
      const perPage = Number(req.query.per_page ?? 20);
      const page = Number(req.query.page ?? 1);
      const next = page * perPage < sorted.length ? page + 1 : null;
      return {
        body: sorted.slice((page - 1) * perPage, page * perPage).map((n) => gitLabNote(fake, n)),
        headers: {
          'x-page': String(page),
          'x-per-page': String(perPage),
          'x-total': String(sorted.length),
          ...(next ? { 'x-next-page': String(next) } : {}),
        },
      };
    }),
  );
  http.on(
    'POST',
    `${p}/merge_requests/:iid/notes`,
    own((req, params) => {
      if (!mrOf(params.iid!)) return gitlabNotFound('Merge Request');
      const note: FakeNote = {
        id: fake.newId(),
        iid: Number(params.iid),
        body: (req.body as { body: string }).body,
        authorId: fake.self.id,
        system: false,
        awards: [],
      };
      fake.notes.push(note);
      return { status: 201, body: gitLabNote(fake, note) };
    }),
  );
  http.on(
    'POST',
    `${p}/issues/:iid/notes`,
    own((req, params) => {
      if (!fake.issues.has(Number(params.iid))) return gitlabNotFound('Issue');
      const note: FakeNote = {
        id: fake.newId(),
        iid: Number(params.iid),
        onIssue: true,
        body: (req.body as { body: string }).body,
        authorId: fake.self.id,
        system: false,
        awards: [],
      };
      fake.notes.push(note);
      return { status: 201, body: { ...gitLabNote(fake, note), noteable_type: 'Issue' } };
    }),
  );
  http.on(
    'POST',
    `${p}/issues/:iid/notes/:note/award_emoji`,
    own((req, params) => {
      const note = fake.notes.find((n) => n.id === Number(params.note) && n.onIssue);
      return note && note.iid === Number(params.iid)
        ? award(note.awards, (req.body as { name: string }).name, note.id, 'Note')
        : gitlabNotFound('Note');
    }),
  );
  http.on(
    'PUT',
    `${p}/merge_requests/:iid/notes/:note`,
    own((req, params) => {
      const note = fake.notes.find((n) => n.id === Number(params.note));
      if (!note) return gitlabNotFound('Note');
      if (note.authorId !== fake.self.id) return { status: 403, body: { message: '403 Forbidden' } };
      note.body = (req.body as { body: string }).body;
      return { body: gitLabNote(fake, note) };
    }),
  );
  const award = (awards: string[], name: string, awardableId: number, type: string): FakeResponse => {
    if (awards.includes(name)) return gitlabNotFound('Award Emoji Name has already been taken');
    awards.push(name);
    return {
      status: 201,
      body: {
        id: fake.newId(),
        name,
        user: gitLabUser(fake.self.id, fake.self.username),
        created_at: '2026-01-01T00:00:00.000Z',
        updated_at: '2026-01-01T00:00:00.000Z',
        awardable_id: awardableId,
        awardable_type: type,
      },
    };
  };
  http.on(
    'POST',
    `${p}/merge_requests/:iid/award_emoji`,
    own((req, params) => {
      const mr = mrOf(params.iid!);
      return mr
        ? award(mr.awards, (req.body as { name: string }).name, mr.iid, 'MergeRequest')
        : gitlabNotFound('Merge Request');
    }),
  );
  http.on(
    'POST',
    `${p}/merge_requests/:iid/notes/:note/award_emoji`,
    own((req, params) => {
      const note = fake.notes.find((n) => n.id === Number(params.note));
      return note
        ? award(note.awards, (req.body as { name: string }).name, note.id, 'Note')
        : gitlabNotFound('Note');
    }),
  );
  http.on(
    'POST',
    `${p}/statuses/:sha`,
    own((req, params) => {
      const body = req.body as { state: string; name?: string; description?: string; target_url?: string };
      const last = fake.statuses.filter((s) => s.sha === params.sha && s.name === body.name).at(-1);
      if (last && last.status === body.state && (body.state === 'pending' || body.state === 'running')) {
        return badRequest(
          `Cannot transition status via :enqueue from :${body.state} (Reasons(s): Status cannot transition via "enqueue")`,
        );
      }
      const status = {
        id: fake.newId(),
        sha: params.sha,
        ref: null,
        status: body.state,
        name: body.name ?? 'default',
        target_url: body.target_url ?? null,
        description: body.description ?? null,
        created_at: '2026-01-01T00:00:00.000Z',
        started_at: null,
        finished_at: null,
        allow_failure: false,
        coverage: null,
        author: gitLabUser(fake.self.id, fake.self.username),
      };
      fake.statuses.push(status);
      return { status: 201, body: status };
    }),
  );
}
