export { GitHubForge, type GitHubForgeOptions } from './github-forge.ts';
export { createGitHubOctokit, type GitHubClient, type GitHubOctokitOptions } from './octokit.ts';
