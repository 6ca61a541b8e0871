import { describeFreeze, frozen } from '../core/freeze/frozen.ts';
import { FREEZE_FILE, readFreezeState } from '../core/freeze/state.ts';
import { cell } from '../core/markdown.ts';
import { environments } from '../core/promote/environments.ts';
import { cellText, statusFiles, statusMatrix } from '../core/promote/status.ts';
import { done, type Reply, type Run, safe } from './chatops-reply.ts';
import { readAcross } from './environment-repos.ts';

/** The app × environment/target version matrix as a Markdown table, and what is frozen. Two reads. */
export async function statusCommand(run: Run): Promise<Reply> {
  const { ctx, deps } = run;
  const snapshot = await readAcross(ctx.forge, ctx.repo, ctx.base, [...statusFiles(ctx.config), FREEZE_FILE]);
  const matrix = statusMatrix(ctx.config, snapshot.files);
  const rows = matrix.rows.map(
    (row) =>
      `| ${cell(row.app)} | ${row.cells.map((c) => (c.version || c.file ? cell(cellText(c)) : '—')).join(' | ')} |`,
  );
  const problems = matrix.rows.flatMap((r) =>
    r.cells
      .filter((c) => c.problem)
      .map((c) => `- ${safe(r.app)} @ ${safe(c.location)}: ${safe(c.problem!)}`),
  );
  const state = readFreezeState(snapshot.files.get(FREEZE_FILE) ?? null);
  const now = deps.clock.now();
  const freezes = environments(ctx.config).flatMap((env) => {
    const freeze = frozen(env, state, now);
    return freeze.frozen ? [`- ❄️ **${safe(env.name)}** ${safe(describeFreeze(freeze))}`] : [];
  });
  return done(
    [
      `versions in ${safe(ctx.repo)}@${safe(ctx.base)} (${snapshot.bases.get(ctx.repo)!.sha.slice(0, 12)})`,
      '',
      `| app | ${matrix.columns.map(cell).join(' | ')} |`,
      `|---|${matrix.columns.map(() => '---|').join('')}`,
      ...rows,
      ...(problems.length ? ['', 'Problems:', ...problems] : []),
      ...(freezes.length ? ['', ...freezes] : []),
    ].join('\n'),
  );
}
