import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ValidationError } from '../../core/errors.ts';

/** What app.yml may say: who the App is and what it may do, never where this server is. */
const APP_YML_KEYS = ['name', 'description', 'url', 'public', 'default_permissions', 'default_events'];

/** gantry's own app.yml (shipped in the package), whatever directory `gantry serve` runs in. */
export const APP_YML = new URL('../../../app.yml', import.meta.url);

export interface AppManifest {
  name: string;
  description?: string;
  url: string;
  public: boolean;
  default_permissions: Record<string, string>;
  default_events: string[];
  hook_attributes: { url: string; active: boolean };
  redirect_url: string;
}

/**
 * The GitHub App manifest for a server reached at `baseUrl` (`https://host[:port]`, no path
 * or trailing slash): webhooks to `<base>/api/github/webhooks`, the code back to
 * `<base>/probot/setup`. Built per request, so nothing in app.yml can point GitHub elsewhere.
 */
export function appManifest(appYml: string, baseUrl: string, webhooksPath: string): AppManifest {
  const app = parse(appYml) as Record<string, unknown> | null;
  if (!app || typeof app !== 'object') throw new ValidationError('app.yml: expected a mapping');
  for (const key of Object.keys(app)) {
    if (!APP_YML_KEYS.includes(key))
      throw new ValidationError(
        `app.yml: "${key}" is not allowed (only ${APP_YML_KEYS.join(', ')}); the server's URLs come from BASE_URL or the request`,
      );
  }
  if (typeof app.name !== 'string' || !app.name)
    throw new ValidationError('app.yml: "name" must be a string');
  if (typeof app.url !== 'string' || !/^https?:\/\//.test(app.url))
    throw new ValidationError('app.yml: "url" must be an http(s) URL (the App’s homepage)');
  return {
    name: app.name,
    ...(typeof app.description === 'string' ? { description: app.description } : {}),
    url: app.url,
    public: app.public === true,
    default_permissions: (app.default_permissions ?? {}) as Record<string, string>,
    default_events: (app.default_events ?? []) as string[],
    hook_attributes: { url: `${baseUrl}${webhooksPath}`, active: true },
    redirect_url: `${baseUrl}/probot/setup`,
  };
}

export function readAppYml(): string {
  return readFileSync(APP_YML, 'utf8');
}
