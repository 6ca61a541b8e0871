import { parseImageReference } from './image-ref.ts';
import { ciInputProblem } from './inputs.ts';

/** Why an executor image reference is unusable, or undefined: it must be valid and pinned. */
export function executorImageProblem(reference: string): string | undefined {
  if (reference.includes('$')) {
    // A GitLab variable prefix (the Dependency Proxy): checked by the input's expression.
    const last = reference.slice(reference.lastIndexOf('/') + 1);
    return (
      ciInputProblem('executor-image', reference) ??
      (last.includes(':') || last.includes('@')
        ? undefined
        : `"${reference}" is not pinned; add a tag or digest`)
    );
  }
  try {
    const parsed = parseImageReference(reference);
    if (parsed.tag === undefined && parsed.digest === undefined) {
      return `"${reference}" is not pinned; add a tag or digest, e.g. ghcr.io/osscontainertools/kaniko:v1.28.5-debug`;
    }
    if (parsed.digest !== undefined && !/^sha256:[a-f0-9]{64}$/.test(parsed.digest)) {
      return `"${reference}" has digest "${parsed.digest}"; expected sha256:<64 lowercase hex digits>`;
    }
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
