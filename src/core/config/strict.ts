import * as z from 'zod';
import { didYouMean } from '../text/did-you-mean.ts';

/** Objects built by `strictObject`: exported as `additionalProperties: false` in the JSON Schema. */
export const strictObjects = new WeakSet<z.ZodType>();

/**
 * Like `z.strictObject`, but every unknown key becomes its own issue on that key, with a
 * did-you-mean, and is reported alongside the other errors of the object (zod skips
 * refinements after the first error unless told otherwise).
 */
export function strictObject<Shape extends z.ZodRawShape>(shape: Shape) {
  const known = Object.keys(shape);
  const schema = z.looseObject(shape).superRefine(
    (value, ctx) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
      for (const key of Object.keys(value)) {
        if (known.includes(key)) continue;
        const expected = known.length <= 12 ? `; expected one of: ${known.join(', ')}` : '';
        ctx.addIssue({
          code: 'custom',
          path: [key],
          input: (value as Record<string, unknown>)[key],
          message: `unknown key "${key}"${didYouMean(key, known) || expected}`,
          params: { unknownKey: true },
        });
      }
    },
    { when: () => true },
  );
  strictObjects.add(schema);
  // Parsing keeps unknown keys only until the refinement rejects them, so the output type is the shape.
  return schema as unknown as z.ZodObject<Shape, z.core.$strict>;
}
