import * as z from 'zod';
import { configSchema } from './schema.ts';
import { strictObjects } from './strict.ts';

export const SCHEMA_ID = 'https://gantry.dev/schema/gantry.schema.json';

/** JSON Schema of `.gantry.yml` for editors (yaml-language-server), generated from the zod schema. */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, {
    io: 'input',
    target: 'draft-2020-12',
    override: (ctx) => {
      if (strictObjects.has(ctx.zodSchema as unknown as z.ZodType))
        ctx.jsonSchema.additionalProperties = false;
    },
  });
  return { ...schema, $id: SCHEMA_ID, title: 'gantry configuration (.gantry.yml)' };
}
