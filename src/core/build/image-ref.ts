import { ValidationError } from '../errors.ts';

/**
 * Image references per the OCI distribution grammar (the one `docker` and Kaniko accept):
 * `[registry[:port]/]path[:tag][@algorithm:hex]`. The expressions are RE2- and POSIX-safe
 * (no lookarounds) because the GitLab include uses them as `spec:inputs:regex`.
 */
const DOMAIN_COMPONENT = '[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?';
export const DOMAIN_PATTERN = `${DOMAIN_COMPONENT}(\\.${DOMAIN_COMPONENT})*(:[0-9]+)?`;
export const PATH_COMPONENT_PATTERN = '[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*';
export const IMAGE_NAME_PATTERN = `(${DOMAIN_PATTERN}/)?${PATH_COMPONENT_PATTERN}(/${PATH_COMPONENT_PATTERN})*`;
export const TAG_PATTERN = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}';
const DIGEST_PATTERN = '[a-z0-9]+([+._-][a-z0-9]+)*:[a-fA-F0-9]{32,}';

const nameOnly = new RegExp(`^${IMAGE_NAME_PATTERN}$`);
const tagOnly = new RegExp(`^${TAG_PATTERN}$`);
const digestOnly = new RegExp(`^${DIGEST_PATTERN}$`);
const pathComponent = new RegExp(`^${PATH_COMPONENT_PATTERN}$`);

/** Docker Hub, where a name without a registry part lives. */
export const DOCKER_HUB = 'docker.io';
const NAME_MAX = 255;

export interface ImageReference {
  /** The name as written, without tag or digest: `registry.example.com/shop/web`. */
  name: string;
  /** Registry host (with port), `docker.io` when the name has none. */
  registry: string;
  /** The path inside the registry: `shop/web` (`library/ubuntu` is not added). */
  repository: string;
  tag?: string;
  digest?: string;
}

/** Parses and validates a reference; the error says which part is wrong. */
export function parseImageReference(reference: string): ImageReference {
  const fail = (why: string): never => {
    throw new ValidationError(`image reference "${reference}" ${why}`);
  };
  let rest = reference;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digestOnly.test(digest))
      fail(`has an invalid digest "${digest}"; expected e.g. sha256:<64 hex digits>`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!tagOnly.test(tag))
      fail(`has an invalid tag "${tag}"; expected up to 128 of [A-Za-z0-9_.-], not starting with "." or "-"`);
  }
  if (rest === '') fail('has no name');
  if (rest.length > NAME_MAX) fail(`has a name longer than ${NAME_MAX} characters`);
  if (!nameOnly.test(rest)) {
    fail(
      'is not a valid image name; expected [registry[:port]/]path with lowercase path components of letters, digits and single ".", "_", "__" or "-" separators',
    );
  }
  const { registry, repository } = splitRegistry(rest);
  return {
    name: rest,
    registry,
    repository,
    ...(tag !== undefined && { tag }),
    ...(digest !== undefined && { digest }),
  };
}

/** A name without tag or digest, e.g. an image to build or a cache repository. */
export function parseImageName(name: string): ImageReference {
  const parsed = parseImageReference(name);
  if (parsed.tag !== undefined || parsed.digest !== undefined) {
    throw new ValidationError(
      `image name "${name}" must not carry a tag or digest; gantry computes the tags`,
    );
  }
  return parsed;
}

export function isImagePathComponent(value: string): boolean {
  return pathComponent.test(value);
}

/** The first component is a registry when it looks like a host, as docker decides it. */
function splitRegistry(name: string): { registry: string; repository: string } {
  const slash = name.indexOf('/');
  if (slash < 0) return { registry: DOCKER_HUB, repository: name };
  const first = name.slice(0, slash);
  const isHost =
    first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase();
  return isHost
    ? { registry: first, repository: name.slice(slash + 1) }
    : { registry: DOCKER_HUB, repository: name };
}
