import type { Permission, PermissionLevel } from '../../ports/forge.ts';
import type { GitLabApi } from './client.ts';
import { call, callOrNull } from './errors.ts';

/** GitLab access levels (docs: api/members.md, "Roles") → the port's scale and GitLab's word. */
const ACCESS: [number, PermissionLevel, string][] = [
  [50, 'admin', 'owner'],
  [40, 'maintain', 'maintainer'],
  [30, 'write', 'developer'],
  [20, 'read', 'reporter'],
  [15, 'read', 'planner'],
  [10, 'read', 'guest'],
  [5, 'none', 'minimal_access'],
];

export function accessLevel(value: number): Permission {
  const found = ACCESS.find(([threshold]) => value >= threshold);
  return found ? { level: found[1], raw: found[2] } : { level: 'none', raw: 'no_access' };
}

/**
 * A user's effective role on a project, counting membership inherited from parent groups
 * (`/members/all/:user_id`): the username is resolved to an id first (two calls).
 */
export async function permissionOf(api: GitLabApi, project: string, username: string): Promise<Permission> {
  const users = (await call(`GitLab user ${username}`, () => api.Users.all({ username }))) as unknown as {
    id: number;
    username: string;
  }[];
  const user = users.find((u) => u.username.toLowerCase() === username.toLowerCase());
  if (!user) return { level: 'none', raw: 'no_access' };
  const member = (await callOrNull(`GitLab membership of ${username} in ${project}`, () =>
    api.ProjectMembers.show(project, user.id, { includeInherited: true }),
  )) as unknown as { access_level: number; state?: string; membership_state?: string } | null;
  // `state` is the user's (blocked users keep their memberships); `membership_state` is
  // "awaiting" for a membership held back by a seat limit.
  const inactive = (value?: string) => value !== undefined && value !== 'active';
  if (!member || inactive(member.state) || inactive(member.membership_state)) {
    return { level: 'none', raw: 'no_access' };
  }
  return accessLevel(member.access_level);
}
