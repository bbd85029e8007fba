"""Statistics over two samples (baseline, candidate) of one metric. Pure functions over lists of
floats; nothing here knows what a benchmark is.

- Mann–Whitney U, two-sided: U from scipy.stats.mannwhitneyu; exact p values up to
  EXACT_MAX_N values in all, from the null distribution of U (the same numbers as scipy's
  method='exact', but tabulated once per sample size instead of on every call) or, with ties,
  from the exact permutation distribution of the midrank sum, which scipy 1.10 lacks. Its
  normal approximation is no substitute in the tail a corrected test lives in: for two fully
  separated samples of 10 it gives p = 1.8e-4 where the exact p is 1.1e-5, the difference
  between failing and passing a Holm threshold of 0.05 / 279.
- Hodges–Lehmann shift on the log scale (so a ratio) with the distribution-free confidence
  interval that inverts the same test (Moses): deterministic, no resampling, and it excludes
  ratio 1 exactly when the exact test rejects at the same level (without ties).
- Holm and Benjamini–Hochberg adjustments.
- How many repetitions a test needs: to be able to reach a p value at all, and to detect a
  given change with given power.
"""
import math
from functools import lru_cache

import numpy as np
from scipy import stats as sps

EXACT_MAX_N = 60  # n1 + n2 up to which p values and intervals are exact (tables of ~n1 x N^2)
ARE = 3 / math.pi  # Mann–Whitney's efficiency relative to the t test for normal data


def _subset_sum_counts(weights, k):
    """counts[s] = number of k-element subsets of `weights` (non-negative ints) summing to s."""
    total = int(sum(weights))
    table = np.zeros((k + 1, total + 1))
    table[0, 0] = 1.0
    for w in weights:
        # The right-hand side is evaluated before the assignment: each weight is used once.
        table[1:, w:] = table[1:, w:] + table[:-1, :total + 1 - w]
    return table[k]


@lru_cache(maxsize=256)
def u_null_cdf(n1, n2):
    """P(U <= u) for u = 0 .. n1*n2, U = Mann–Whitney statistic of n1 against n2 untied values."""
    counts = _subset_sum_counts(range(1, n1 + n2 + 1), n1)[n1 * (n1 + 1) // 2:]
    return np.cumsum(counts) / counts.sum()


def min_p(n1, n2):
    """The smallest two-sided p value Mann–Whitney can give with n1 and n2 values (the samples
    do not overlap at all): 2 / C(n1 + n2, n1)."""
    return min(1.0, 2.0 / math.comb(n1 + n2, n1))


def min_n_per_side(alpha_needed):
    """The smallest n such that n against n values can reach a two-sided p <= alpha_needed.
    NOTE: 0.05 -> 4 (min p 0.029); 0.05/21 -> 6; 0.05/279 -> 8 (min p 1.6e-4)."""
    n = 1
    while min_p(n, n) > alpha_needed:
        n += 1
    return n


def _has_ties(x, y):
    both = np.concatenate([x, y])
    return len(np.unique(both)) < len(both)


def _exact_p_with_ties(x, y):
    """Two-sided p of the rank sum of x among x+y under every equally likely split (midranks)."""
    doubled = np.rint(2 * sps.rankdata(np.concatenate([x, y]))).astype(int)
    counts = _subset_sum_counts(doubled, len(x))
    observed = int(doubled[:len(x)].sum())
    total = counts.sum()
    low = counts[:observed + 1].sum() / total
    high = counts[observed:].sum() / total
    return min(1.0, 2 * min(low, high))


def mann_whitney(base, cand):
    """(U of base, two-sided p, method). REQUIRES: at least one value per side."""
    x, y = np.asarray(base, float), np.asarray(cand, float)
    n = len(x) + len(y)
    if np.all(np.concatenate([x, y]) == x[0]):
        return len(x) * len(y) / 2, 1.0, "all values equal"
    if n > EXACT_MAX_N:
        r = sps.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic")
        return float(r.statistic), float(r.pvalue), "normal approximation"
    u = float(sps.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic").statistic)
    if _has_ties(x, y):
        return u, _exact_p_with_ties(x, y), "exact, with ties"
    # U's null distribution is symmetric about n1*n2/2: the two tails are one lookup.
    tail = int(round(min(u, len(x) * len(y) - u)))
    return u, min(1.0, 2 * float(u_null_cdf(len(x), len(y))[tail])), "exact"


def _ci_rank(n1, n2, confidence):
    """k (1-based) such that [D(k), D(n1*n2+1-k)] of the sorted pairwise differences is a
    `confidence` interval for the shift; 0 when no such interval exists (too few values)."""
    half = (1 - confidence) / 2
    if n1 + n2 <= EXACT_MAX_N:
        cdf = u_null_cdf(n1, n2)
        below = np.nonzero(cdf <= half + 1e-12)[0]  # u with P(U <= u) <= alpha/2
        return int(below[-1]) + 1 if len(below) else 0
    mn = n1 * n2
    z = sps.norm.ppf(1 - half)
    return max(0, int(math.floor(mn / 2 - z * math.sqrt(mn * (n1 + n2 + 1) / 12))))


def hodges_lehmann(base, cand, confidence):
    """(estimate, low, high) of the shift cand - base: the median of all pairwise differences
    and its distribution-free interval (+-inf when the samples are too small for it)."""
    x, y = np.asarray(base, float), np.asarray(cand, float)
    d = np.sort((y[:, None] - x[None, :]).ravel())
    k = _ci_rank(len(x), len(y), confidence)
    low, high = (d[k - 1], d[len(d) - k]) if k > 0 else (-math.inf, math.inf)
    return float(np.median(d)), float(low), float(high)


def ratio_estimate(base, cand, confidence):
    """(ratio, low, high) of candidate to baseline: Hodges–Lehmann on the logs when every value
    is positive (a multiplicative change), else the shift over the baseline median.
    REQUIRES: baseline median != 0 when some value is <= 0."""
    x, y = np.asarray(base, float), np.asarray(cand, float)
    if np.all(x > 0) and np.all(y > 0):
        est, low, high = hodges_lehmann(np.log(x), np.log(y), confidence)
        return math.exp(est), math.exp(low), math.exp(high)
    m = float(np.median(x))
    est, low, high = hodges_lehmann(x, y, confidence)
    return 1 + est / m, 1 + low / m, 1 + high / m


def spread(values):
    """Coefficient of variation (sample sd / mean), as Google Benchmark's cv aggregate."""
    v = np.asarray(values, float)
    if len(v) < 2 or v.mean() == 0:
        return 0.0
    return float(v.std(ddof=1) / abs(v.mean()))


def log_sigma(base, cand):
    """A robust pooled standard deviation of log values (1.4826 x MAD per side), falling back
    to the plain one when half the values are equal. REQUIRES: positive values."""
    sides = [np.log(np.asarray(v, float)) for v in (base, cand)]
    mads = [1.4826 * np.median(np.abs(s - np.median(s))) for s in sides]
    sigma = math.sqrt(sum(m * m for m in mads) / 2)
    if sigma == 0:
        sds = [s.std(ddof=1) if len(s) > 1 else 0.0 for s in sides]
        sigma = math.sqrt(sum(s * s for s in sds) / 2)
    return sigma


def repetitions_needed(sigma, effect, alpha_test, power=0.8):
    """Repetitions per side to detect a change of `effect` (0.05 = 5 %) with `power`, at a
    two-sided level `alpha_test`, for log values of spread `sigma`: the normal approximation
    2 (z(1-a/2) + z(power))^2 (sigma / log(1+effect))^2, divided by Mann–Whitney's efficiency,
    and never fewer than min_n_per_side(alpha_test). None when effect is 0."""
    floor = min_n_per_side(alpha_test)
    if effect <= 0:
        return None
    if sigma == 0:
        return floor
    z = sps.norm.ppf(1 - alpha_test / 2) + sps.norm.ppf(power)
    n = 2 * (z * sigma / math.log1p(effect)) ** 2 / ARE
    return max(floor, math.ceil(n))


def detectable_effect(sigma, n1, n2, alpha_test, power=0.8):
    """The change (0.05 = 5 %) that n1 and n2 repetitions detect with `power` at a two-sided
    level `alpha_test`, for log values of spread `sigma`: repetitions_needed turned around."""
    z = sps.norm.ppf(1 - alpha_test / 2) + sps.norm.ppf(power)
    return math.expm1(z * sigma * math.sqrt((1 / n1 + 1 / n2) / ARE))


def adjust(pvalues, method):
    """p values adjusted for their number: 'holm' (family-wise error, any dependence), 'bh'
    (Benjamini–Hochberg false discovery rate) or 'none'. Same order as given."""
    p = np.asarray(pvalues, float)
    m = len(p)
    if m == 0 or method == "none":
        return [float(v) for v in p]
    order = np.argsort(p, kind="stable")
    ranked = p[order]
    if method == "holm":
        adj = np.maximum.accumulate(np.minimum(1.0, (m - np.arange(m)) * ranked))
    elif method == "bh":
        adj = np.minimum.accumulate((m / np.arange(1, m + 1) * ranked)[::-1])[::-1]
        adj = np.minimum(1.0, adj)
    else:
        raise ValueError(f"unknown correction {method!r}")
    out = np.empty(m)
    out[order] = adj
    return [float(v) for v in out]


def first_rejection_level(alpha, m, method):
    """The p value the smallest of m p values must reach for anything to be significant:
    alpha / m for Holm and Benjamini–Hochberg, alpha without correction."""
    return alpha if method == "none" or m <= 1 else alpha / m
