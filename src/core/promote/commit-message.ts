import type { AppPromotion } from './plan.ts';

/** The commit message of a promotion: its title, then one line per target. */
export function commitMessage(promotion: Pick<AppPromotion, 'title' | 'metadata'>): string {
  const lines = promotion.metadata.targets.map(
    (t) =>
      `- ${t.target}: ${t.from?.tag ?? t.from?.digest ?? 'none'} → ${t.to.tag ?? t.to.digest ?? 'files'}`,
  );
  return `${promotion.title}\n\n${lines.join('\n')}\n`;
}
