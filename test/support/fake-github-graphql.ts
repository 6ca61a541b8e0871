import { schema } from '@octokit/graphql-schema';
import { buildClientSchema, type GraphQLSchema, parse, validate } from 'graphql';
import { blobSha, FakeGit } from './fake-git.ts';
import type { FakeGitHub } from './fake-github.ts';
import type { FakeResponse, RecordedRequest } from './fake-http.ts';

interface GraphqlBody {
  query: string;
  variables: Record<string, unknown>;
}

let github: GraphQLSchema | undefined;

/** Every query the adapter sends is validated against GitHub's published GraphQL schema first. */
export function schemaErrors(query: string): string[] {
  github ??= buildClientSchema(schema.json as never);
  try {
    return validate(github, parse(query)).map((error) => error.message);
  } catch (error) {
    return [(error as Error).message];
  }
}

const fail = (message: string): FakeResponse => ({ body: { data: null, errors: [{ message }] } });

export function answerGraphql(fake: FakeGitHub, request: RecordedRequest): FakeResponse {
  const { query, variables } = request.body as GraphqlBody;
  const invalid = schemaErrors(query);
  if (invalid.length) {
    return { status: 598, body: { errors: invalid.map((message) => ({ message: `schema: ${message}` })) } };
  }
  if ('owner' in variables && (variables.owner !== fake.owner || variables.name !== fake.name)) {
    if (/\bGantryMoveRef\b/.test(query)) return fail('Could not resolve to a node');
    return {
      body: {
        data: { repository: null },
        errors: [
          {
            type: 'NOT_FOUND',
            path: ['repository'],
            message: `Could not resolve to a Repository with the name '${variables.owner}/${variables.name}'.`,
          },
        ],
      },
    };
  }
  if (/\bquery GantryFiles\b/.test(query)) return files(fake, query, variables);
  if (/\bmutation GantryMoveRef\b/.test(query)) return moveRef(fake, variables);
  if (/\bquery GantryComments\b/.test(query)) return comments(fake, variables);
  if (/\bquery GantryHistory\b/.test(query)) return history(fake, variables);
  if (/\bmutation GantryAutoMerge\b/.test(query)) return autoMerge(fake, variables);
  return fail(`the fake does not know this operation: ${query.slice(0, 60)}`);
}

function files(fake: FakeGitHub, query: string, variables: Record<string, unknown>): FakeResponse {
  const sha = fake.git.resolve(String(variables.rev));
  if (!sha) return { body: { data: { repository: { id: fake.repositoryId, object: null } } } };
  const commit = fake.git.commits.get(sha)!;
  const tree = fake.git.filesAt(sha);
  const dirs = FakeGit.directories(tree.keys());
  const withText = /\btext\b/.test(query);
  const object: Record<string, unknown> = { __typename: 'Commit', oid: sha, tree: { oid: commit.tree } };
  for (const [name, path] of Object.entries(variables)) {
    const alias = /^p(\d+)$/.exec(name);
    if (!alias) continue;
    const file = tree.get(String(path));
    const key = `f${alias[1]}`;
    if (file) {
      const withheld = fake.withheld.has(String(path)) || fake.legacy.has(String(path));
      object[key] = {
        mode: Number.parseInt(file.mode, 8),
        ...(withText
          ? {
              object: {
                __typename: 'Blob',
                oid: blobSha(file.content),
                text: withheld ? null : file.content,
                isTruncated: false,
              },
            }
          : {}),
      };
    } else if (dirs.has(String(path))) {
      object[key] = { mode: 0o40000, ...(withText ? { object: { __typename: 'Tree' } } : {}) };
    } else {
      object[key] = null;
    }
  }
  return { body: { data: { repository: { id: fake.repositoryId, object } } } };
}

function moveRef(fake: FakeGitHub, variables: Record<string, unknown>): FakeResponse {
  if (variables.repositoryId !== fake.repositoryId)
    return fail('Could not resolve to a node with the global id');
  const branch = String(variables.name).replace(/^refs\/heads\//, '');
  const current = fake.git.branches.get(branch);
  if (current !== variables.before) {
    return {
      body: {
        data: { updateRefs: null },
        errors: [
          {
            path: ['updateRefs'],
            message: `A ref update was rejected: refs/heads/${branch} is at ${current ?? 'nothing'}`,
          },
        ],
      },
    };
  }
  if (!fake.git.commits.has(String(variables.after))) return fail('Object does not exist');
  fake.git.branches.set(branch, String(variables.after));
  return { body: { data: { updateRefs: { clientMutationId: null } } } };
}

function comments(fake: FakeGitHub, variables: Record<string, unknown>): FakeResponse {
  const number = Number(variables.number);
  if (!fake.pulls.some((p) => p.number === number)) {
    return {
      body: {
        data: { repository: { issueOrPullRequest: null } },
        errors: [
          {
            type: 'NOT_FOUND',
            message: `Could not resolve to an issue or pull request with the number of ${number}.`,
          },
        ],
      },
    };
  }
  const list = fake.comments.filter((c) => c.issue === number);
  const end =
    variables.before === null || variables.before === undefined ? list.length : Number(variables.before);
  const start = Math.max(0, end - 100);
  const nodes = list.slice(start, end).map((c) => ({
    databaseId: c.id,
    url: `https://github.test/${fake.fullName}/pull/${number}#issuecomment-${c.id}`,
    body: c.body,
    viewerDidAuthor: c.author === fake.viewer,
  }));
  return {
    body: {
      data: {
        repository: {
          issueOrPullRequest: {
            comments: {
              pageInfo: { hasPreviousPage: start > 0, startCursor: nodes.length ? String(start) : null },
              nodes,
            },
          },
        },
      },
    },
  };
}

/** `Commit.history(path:, first:)` with each node's `file(path:)`; GitHub caps `first` at 100. */
function history(fake: FakeGitHub, variables: Record<string, unknown>): FakeResponse {
  const first = Number(variables.first);
  if (!(first >= 1 && first <= 100))
    return fail('Requesting more than 100 records on the `history` connection is not allowed.');
  const sha = fake.git.resolve(String(variables.rev));
  if (!sha) return { body: { data: { repository: { object: null } } } };
  const path = String(variables.path);
  const nodes = fake.git.history(sha, path, first).map(({ commit, file }) => ({
    oid: commit.sha,
    messageHeadline: commit.message.split('\n')[0],
    file: file
      ? {
          object: {
            __typename: 'Blob',
            oid: blobSha(file.content),
            text: fake.withheld.has(path) ? null : file.content,
            isTruncated: false,
          },
        }
      : null,
  }));
  return { body: { data: { repository: { object: { __typename: 'Commit', history: { nodes } } } } } };
}

/**
 * `enablePullRequestAutoMerge`: refused (UNPROCESSABLE) where the repository does not allow
 * auto-merge, for a head other than `expectedHeadOid`, and for a PR that could be merged
 * right now ("is in clean status": nothing to wait for), as GitHub does.
 */
function autoMerge(fake: FakeGitHub, variables: Record<string, unknown>): FakeResponse {
  const pull = fake.pulls.find((p) => `PR_kw${p.number}` === variables.id);
  if (!pull) return fail(`Could not resolve to a node with the global id of '${String(variables.id)}'`);
  const refuse = (message: string): FakeResponse => ({
    body: {
      data: { enablePullRequestAutoMerge: null },
      errors: [{ type: 'UNPROCESSABLE', path: ['enablePullRequestAutoMerge'], message }],
    },
  });
  if (!fake.allowAutoMerge) return refuse('Pull request Auto merge is not allowed for this repository');
  if (pull.state !== 'open') return refuse('Pull request Pull request is closed');
  if (variables.sha !== undefined && variables.sha !== fake.git.branches.get(pull.head))
    return refuse('Head branch was modified. Review and try the merge again.');
  if (!pull.checksPending) return refuse('Pull request Pull request is in clean status');
  pull.autoMerge = true;
  return {
    body: {
      data: {
        enablePullRequestAutoMerge: {
          pullRequest: { autoMergeRequest: { enabledAt: '2026-01-01T00:00:00Z' } },
        },
      },
    },
  };
}
