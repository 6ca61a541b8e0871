"""Reference values for gantry's handling of dependent per-step samples (independence.ts),
computed with SciPy: scipy.stats.mannwhitneyu(method="asymptotic", use_continuity=True) gives
the numbers of R's wilcox.test(exact = FALSE, correct = TRUE), and scipy.stats.binom the
binomial margins of the false-fail tests.

  python3 scripts/reference/dependence.py > test/fixtures/canary/dependence.json

1. "thinned": series as Prometheus returns avg_over_time(g[1m]) every 15 s over 30 minutes
   (121 steps, each the mean of the 4 iid scrapes in its range), canary and baseline. gantry
   keeps every 4th step counted back from the last one; the p-values here are SciPy's on
   exactly those 31 steps, and test/unit/canary/dependence-reference.test.ts compares.
2. "simulation": the false-fail rate of the one-sided 1 % test (what a 98 % two-sided interval
   excluding 0 means for direction: increase) for healthy canaries, 20,000 runs, on all 121
   overlapping steps and on the thinned 31 — why gantry thins.
3. "margins": for n trials at level alpha, the largest count of false fails that is still
   consistent with alpha (P(X > c) <= 0.001 under Binomial(n, alpha)).
"""
import json
import sys

import numpy as np
import scipy
from scipy import stats

rng = np.random.default_rng(20261201)
STEPS, EVERY, PER_RANGE = 121, 4, 4


def overlapping(level):
    # 15 s scrapes; the step at index i averages scrapes i .. i + 3 (its 1 m range).
    scrapes = level * (1 + 0.1 * rng.uniform(-1, 1, STEPS + PER_RANGE - 1))
    return np.array([scrapes[i : i + PER_RANGE].mean() for i in range(STEPS)])


def thin(values):
    last = len(values) - 1
    return np.array([v for i, v in enumerate(values) if (last - i) % EVERY == 0])


def p_values(x, y):
    out = {}
    for name, alternative in (("two_sided", "two-sided"), ("greater", "greater"), ("less", "less")):
        out[name] = float(stats.mannwhitneyu(x, y, alternative=alternative, method="asymptotic", use_continuity=True).pvalue)
    return out


sets = []
for name, canary_level in (("healthy", 0.2), ("plus-3pct", 0.206), ("minus-2pct", 0.196)):
    x, y = overlapping(canary_level), overlapping(0.2)
    sets.append({"name": name, "x": x.tolist(), "y": y.tolist(), "thinned": p_values(thin(x), thin(y)), "all": p_values(x, y)})

runs = 20000
fails_all = fails_thin = 0
for _ in range(runs):
    x, y = overlapping(0.2), overlapping(0.2)
    fails_all += stats.mannwhitneyu(x, y, alternative="greater", method="asymptotic", use_continuity=True).pvalue < 0.01
    fails_thin += stats.mannwhitneyu(thin(x), thin(y), alternative="greater", method="asymptotic", use_continuity=True).pvalue < 0.01

margins = []
for n in (100, 120, 150, 200, 240):
    for alpha in (0.01, 0.02):
        c = int(stats.binom.isf(0.001, n, alpha))
        margins.append({"n": n, "alpha": alpha, "max_fails": c, "p_above": float(stats.binom.sf(c, n, alpha))})

json.dump(
    {
        "generator": f"scripts/reference/dependence.py on SciPy {scipy.__version__}, NumPy {np.__version__}",
        "thinned": sets,
        "simulation": {"runs": runs, "level": 0.01, "false_fail_all_steps": fails_all / runs, "false_fail_thinned": fails_thin / runs},
        "margins": margins,
    },
    sys.stdout,
    indent=1,
)
sys.stdout.write("\n")
