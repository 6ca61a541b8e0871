export type { GitLabConnection } from './client.ts';
export { GitLabForge } from './gitlab-forge.ts';
