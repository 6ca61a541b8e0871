import { Gitlab } from '@gitbeaker/rest';
import { ValidationError } from '../../core/errors.ts';
import { graphqlFailure, httpFailure } from './errors.ts';
import { singleAttemptRequester } from './requester.ts';

export interface GitLabConnection {
  /** Instance URL, with a relative URL root if GitLab is served under one: `https://git.example.com/gitlab`. */
  host: string;
  /** A personal, project or group access token, or an OAuth token; sent as a Bearer token. */
  token: string;
  /** An undici dispatcher for every request (tests, proxies). */
  dispatcher?: RequestInit['dispatcher'];
  /** A request unanswered after this long fails as retryable (504). Default 60 s. */
  timeoutMs?: number;
}

export type GitLabApi = InstanceType<typeof Gitlab<false>>;

export type GraphqlCall = <T>(what: string, query: string, variables: Record<string, unknown>) => Promise<T>;

export interface GitLabClients {
  api: GitLabApi;
  graphql: GraphqlCall;
  /** Web URL of the instance, for links. */
  webUrl: string;
}

export function normaliseHost(host: string): string {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new ValidationError(`GitLab host "${host}" is not a URL; expected e.g. https://gitlab.example.com`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ValidationError(`GitLab host "${host}" must be an http(s) URL`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * gitbeaker for REST and a small fetch-based client for GraphQL (gitbeaker has none), sharing
 * the host, the token and the dispatcher.
 */
export function createGitLabClients(connection: GitLabConnection): GitLabClients {
  const host = normaliseHost(connection.host);
  const api = new Gitlab({
    host,
    oauthToken: connection.token,
    // One request per call; typed errors say how long to wait (gitbeaker's retry loop ignores it).
    requesterFn: singleAttemptRequester,
    queryTimeout: connection.timeoutMs ?? 60_000,
    // gitbeaker hands `agent` to fetch as its undici dispatcher.
    ...(connection.dispatcher ? { agent: connection.dispatcher as never } : {}),
  });
  const graphql: GraphqlCall = async <T>(what: string, query: string, variables: Record<string, unknown>) => {
    let response: Response;
    try {
      response = await fetch(`${host}/api/graphql`, {
        method: 'POST',
        headers: { authorization: `Bearer ${connection.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(connection.timeoutMs ?? 60_000),
        ...(connection.dispatcher ? { dispatcher: connection.dispatcher } : {}),
      } as RequestInit);
    } catch (error) {
      throw httpFailure(what, 0, undefined, error);
    }
    const text = await response.text();
    let body: { data?: T; errors?: { message: string }[] } | undefined;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!response.ok)
      throw httpFailure(what, response.status, body ?? text, undefined, undefined, response.headers);
    if (!body?.data || body.errors?.length)
      throw graphqlFailure(what, body?.errors ?? [{ message: 'no data' }]);
    return body.data;
  };
  return { api, graphql, webUrl: host };
}
