import { ValidationError } from '../../errors.ts';
import type { Updater } from './updater.ts';

/** A file promoted verbatim: the target becomes a byte copy of the source. */
export const verbatimFile: Updater<Record<string, never>> = {
  read(_path, content) {
    return { kind: 'content', content };
  },
  write(path, content, _settings, state) {
    if (state.kind !== 'content')
      throw new ValidationError(`${path}: expected file content to copy, got a version`);
    return { content: state.content, previous: { kind: 'content', content } };
  },
};
