import { buildSchema, type GraphQLSchema, parse, validate } from 'graphql';
import type { RecordedRequest } from './fake-http.ts';

/**
 * The GitLab REST endpoints the adapter calls, with their documented parameters, kept by
 * hand from docs.gitlab.com/api (file names below are doc/api/*.md in gitlab-org/gitlab).
 * A request is checked for: a documented endpoint, every required parameter, and no
 * parameter the documentation does not list. Path parameters are not listed here.
 */
interface Endpoint {
  method: string;
  path: string;
  doc: string;
  required?: string[];
  optional?: string[];
  /** Documented attributes of each `actions[]` item (commits). */
  actions?: { required: string[]; optional: string[] };
}

const PAGINATION = ['page', 'per_page', 'pagination', 'page_token', 'order_by', 'sort', 'id_after'];

export const GITLAB_ENDPOINTS: Endpoint[] = [
  {
    method: 'GET',
    path: '/projects/:id',
    doc: 'projects.md#get-a-single-project',
    optional: ['statistics', 'license', 'with_custom_attributes'],
  },
  {
    method: 'GET',
    path: '/projects/:id/repository/commits/:sha',
    doc: 'commits.md#get-a-single-commit',
    optional: ['stats'],
  },
  {
    method: 'GET',
    path: '/projects/:id/repository/commits',
    doc: 'commits.md#list-repository-commits',
    optional: [
      'ref_name',
      'since',
      'until',
      'path',
      'author',
      'all',
      'with_stats',
      'first_parent',
      'order',
      'trailers',
      ...PAGINATION,
    ],
  },
  {
    method: 'POST',
    path: '/projects/:id/repository/commits',
    doc: 'commits.md#create-a-commit-with-multiple-files-and-actions',
    required: ['branch', 'commit_message', 'actions'],
    optional: ['start_branch', 'start_sha', 'start_project', 'author_email', 'author_name', 'stats', 'force'],
    actions: {
      required: ['action', 'file_path'],
      optional: ['previous_path', 'content', 'encoding', 'last_commit_id', 'execute_filemode'],
    },
  },
  {
    method: 'GET',
    path: '/projects/:id/repository/branches/:branch',
    doc: 'branches.md#get-single-repository-branch',
  },
  {
    method: 'GET',
    path: '/projects/:id/repository/branches',
    doc: 'branches.md#list-repository-branches',
    optional: ['search', 'regex', ...PAGINATION],
  },
  {
    method: 'DELETE',
    path: '/projects/:id/repository/branches/:branch',
    doc: 'branches.md#delete-repository-branch',
  },
  {
    method: 'GET',
    path: '/projects/:id/repository/tree',
    doc: 'repositories.md#list-repository-tree',
    optional: ['path', 'ref', 'recursive', ...PAGINATION],
  },
  {
    method: 'GET',
    path: '/projects/:id/repository/files/:file_path/raw',
    doc: 'repository_files.md#get-raw-file-from-repository',
    optional: ['ref', 'lfs'],
  },
  {
    method: 'GET',
    path: '/projects/:id/merge_requests',
    doc: 'merge_requests.md#list-project-merge-requests',
    optional: [
      'state',
      'source_branch',
      'target_branch',
      'labels',
      'author_id',
      'author_username',
      'scope',
      'view',
      'with_labels_details',
      'iids',
      ...PAGINATION,
    ],
  },
  {
    method: 'GET',
    path: '/projects/:id/merge_requests/:iid',
    doc: 'merge_requests.md#get-single-mr',
    optional: ['include_diverged_commits_count', 'include_rebase_in_progress', 'render_html'],
  },
  {
    method: 'POST',
    path: '/projects/:id/merge_requests',
    doc: 'merge_requests.md#create-mr',
    required: ['source_branch', 'target_branch', 'title'],
    optional: [
      'description',
      'labels',
      'assignee_id',
      'assignee_ids',
      'reviewer_ids',
      'milestone_id',
      'remove_source_branch',
      'squash',
      'allow_collaboration',
      'target_project_id',
    ],
  },
  {
    method: 'PUT',
    path: '/projects/:id/merge_requests/:iid',
    doc: 'merge_requests.md#update-mr',
    optional: [
      'title',
      'description',
      'labels',
      'add_labels',
      'remove_labels',
      'state_event',
      'target_branch',
      'assignee_id',
      'assignee_ids',
      'reviewer_ids',
      'milestone_id',
      'remove_source_branch',
      'squash',
      'discussion_locked',
      'allow_collaboration',
    ],
  },
  {
    method: 'PUT',
    path: '/projects/:id/merge_requests/:iid/merge',
    doc: 'merge_requests.md#merge-a-merge-request',
    optional: [
      'auto_merge',
      'merge_commit_message',
      'merge_when_pipeline_succeeds',
      'sha',
      'should_remove_source_branch',
      'squash_commit_message',
      'squash',
    ],
  },
  {
    method: 'GET',
    path: '/projects/:id/merge_requests/:iid/notes',
    doc: 'notes.md#list-all-merge-request-notes',
    optional: PAGINATION,
  },
  {
    method: 'POST',
    path: '/projects/:id/merge_requests/:iid/notes',
    doc: 'notes.md#create-new-merge-request-note',
    required: ['body'],
    optional: ['internal', 'created_at', 'merge_request_diff_head_sha'],
  },
  {
    method: 'PUT',
    path: '/projects/:id/merge_requests/:iid/notes/:note_id',
    doc: 'notes.md#modify-existing-merge-request-note',
    optional: ['body'],
  },
  {
    method: 'POST',
    path: '/projects/:id/issues/:issue_iid/notes',
    doc: 'notes.md#create-new-issue-note',
    required: ['body'],
    optional: ['internal', 'created_at'],
  },
  {
    method: 'POST',
    path: '/projects/:id/issues/:issue_iid/notes/:note_id/award_emoji',
    doc: 'emoji_reactions.md#add-a-new-emoji-reaction-to-a-comment',
    required: ['name'],
  },
  {
    method: 'POST',
    path: '/projects/:id/merge_requests/:iid/award_emoji',
    doc: 'emoji_reactions.md#add-a-new-emoji-reaction',
    required: ['name'],
  },
  {
    method: 'POST',
    path: '/projects/:id/merge_requests/:iid/notes/:note_id/award_emoji',
    doc: 'emoji_reactions.md#add-a-new-emoji-reaction-to-a-comment',
    required: ['name'],
  },
  {
    method: 'POST',
    path: '/projects/:id/statuses/:sha',
    doc: 'commits.md#set-the-pipeline-status-of-a-commit',
    required: ['state'],
    optional: ['ref', 'name', 'context', 'target_url', 'description', 'coverage', 'pipeline_id'],
  },
  { method: 'GET', path: '/user', doc: 'users.md#get-the-current-user' },
  {
    method: 'GET',
    path: '/users',
    doc: 'users.md#list-users',
    optional: ['username', 'search', 'active', 'external', 'blocked', ...PAGINATION],
  },
  {
    method: 'GET',
    path: '/projects/:id/members/all/:user_id',
    doc: 'members.md#get-a-member-of-a-group-or-project-including-inherited-and-invited-members',
  },
];

function matcher(path: string): RegExp {
  return new RegExp(`^${path.replace(/:[a-z_]+/g, '[^/]+')}$`);
}

/** What is wrong with a request against the table; empty when it is documented and well-formed. */
export function checkGitLabRequest(request: RecordedRequest, apiRoot: string): string[] {
  if (!request.path.startsWith(`${apiRoot}/api/v4/`)) return [];
  const path = request.path.slice(`${apiRoot}/api/v4`.length);
  const where = `${request.method} ${path}`;
  const endpoint = GITLAB_ENDPOINTS.find((e) => e.method === request.method && matcher(e.path).test(path));
  if (!endpoint) return [`${where}: not in the table of documented GitLab endpoints`];
  const params = { ...request.query, ...((request.body as Record<string, unknown> | undefined) ?? {}) };
  const known = new Set([...(endpoint.required ?? []), ...(endpoint.optional ?? [])]);
  const problems = (endpoint.required ?? [])
    .filter((name) => !(name in params))
    .map((name) => `${where}: missing required parameter "${name}" (${endpoint.doc})`);
  for (const name of Object.keys(params)) {
    if (!known.has(name)) problems.push(`${where}: undocumented parameter "${name}" (${endpoint.doc})`);
  }
  for (const action of (params.actions as Record<string, unknown>[] | undefined) ?? []) {
    const spec = endpoint.actions!;
    for (const name of spec.required)
      if (!(name in action)) problems.push(`${where}: action without "${name}"`);
    for (const name of Object.keys(action)) {
      if (![...spec.required, ...spec.optional].includes(name))
        problems.push(`${where}: undocumented action attribute "${name}"`);
    }
  }
  return problems;
}

/**
 * The part of GitLab's GraphQL schema the adapter queries, transcribed from
 * app/graphql/types/project_type.rb, repository_type.rb, tree/blob_type.rb and
 * resolvers/blobs_resolver.rb (argument and field names verified there).
 */
const GITLAB_SDL = `
type Query { project(fullPath: ID!): Project }
type Project { fullPath: ID! repository: Repository }
type Repository { rootRef: String blobs(paths: [String!]!, ref: String, refType: RefType, after: String, before: String, first: Int, last: Int): RepositoryBlobConnection }
enum RefType { HEADS TAGS }
type RepositoryBlobConnection { nodes: [RepositoryBlob] }
type RepositoryBlob { id: ID! oid: String! path: String! name: String rawBlob: String rawTextBlob: String size: Int }
`;

let gitlab: GraphQLSchema | undefined;

export function gitlabSchemaErrors(query: string): string[] {
  gitlab ??= buildSchema(GITLAB_SDL);
  try {
    return validate(gitlab, parse(query)).map((error) => error.message);
  } catch (error) {
    return [(error as Error).message];
  }
}
