# Reference values for gantry's canary statistics, computed with R's own implementations:
#   wilcox.test(x, y, exact = FALSE, correct = TRUE, conf.int = TRUE)  (Mann-Whitney U,
#     p-values, Hodges-Lehmann confidence interval) and median(outer(x, y, "-")) (the
#     Hodges-Lehmann estimate, as wilcox.test's exact branch defines it);
#   poisson.test(c(ec, eb), c(nc, nb), r)  (exact rate-ratio test for ratio metrics);
#   pnorm / qnorm.
# The output is committed as test/fixtures/canary/reference.json; test/unit/canary/reference.test.ts
# compares gantry's numbers with it, so CI does not need R. Regenerate (Debian: r-base-core) with
#   Rscript scripts/reference/wilcox.R > test/fixtures/canary/reference.json
#
# wilcox.test finds interval bounds with uniroot(tol = 1e-4), an absolute tolerance. Each set is
# therefore also run scaled by a power of ten that makes its range ~1e6 (ranks, and so the
# test, do not change under scaling); the bounds of that run, divided back, are exact to ~1e-10
# of the range and are what the test compares tightly ("ci_scaled"). "ci" is the plain run.

set.seed(20240601)

num <- function(v) {
  vapply(v, function(x) {
    if (is.na(x)) "null"
    else if (is.infinite(x)) if (x > 0) "\"Inf\"" else "\"-Inf\""
    else sprintf("%.17g", x)
  }, "")
}
arr <- function(v) paste0("[", paste(num(v), collapse = ","), "]")
obj <- function(...) {
  fields <- list(...)
  paste0("{", paste0("\"", names(fields), "\":", unlist(fields), collapse = ","), "}")
}
str <- function(s) paste0("\"", s, "\"")

wilcox_sets <- list(
  list(name = "normal-equal-10", x = rnorm(10, 100, 10), y = rnorm(10, 100, 10), conf = 0.98),
  list(name = "window-31-plus20pct", x = rnorm(31, 240, 20), y = rnorm(31, 200, 20), conf = 0.98),
  list(name = "latency-lognormal-121", x = rlnorm(121, log(0.25), 0.3), y = rlnorm(121, log(0.25), 0.3), conf = 0.98),
  list(name = "latency-lognormal-shift", x = rlnorm(121, log(0.30), 0.3), y = rlnorm(121, log(0.25), 0.3), conf = 0.95),
  list(name = "ties-one-decimal", x = round(rnorm(30, 5, 1), 1), y = round(rnorm(30, 5.3, 1), 1), conf = 0.98),
  list(name = "ties-heavy-integers", x = sample(0:3, 40, TRUE), y = sample(0:4, 40, TRUE), conf = 0.98),
  list(name = "ties-across-samples", x = c(1, 2, 2, 3, 3, 3, 4, 5, 5, 6), y = c(2, 2, 3, 3, 4, 4, 4, 5, 6, 6, 7), conf = 0.9),
  list(name = "unequal-5-50", x = rnorm(5, 12, 2), y = rnorm(50, 10, 2), conf = 0.98),
  list(name = "unequal-60-7", x = rnorm(60, 10, 2), y = rnorm(7, 11, 2), conf = 0.98),
  list(name = "identical", x = c(3.2, 4.1, 5.5, 6.0, 7.3, 8.8), y = c(3.2, 4.1, 5.5, 6.0, 7.3, 8.8), conf = 0.98),
  list(name = "canary-constant", x = rep(0.5, 20), y = runif(20, 0.2, 0.8), conf = 0.98),
  list(name = "large-2000-small-shift", x = rnorm(2000, 100.5, 10), y = rnorm(2000, 100, 10), conf = 0.98),
  list(name = "outliers", x = c(rnorm(28, 50, 5), 500, 900), y = c(rnorm(29, 50, 5), 1000), conf = 0.98),
  list(name = "negative-values", x = rnorm(25, -3, 1), y = rnorm(25, -2.5, 1), conf = 0.98),
  list(name = "separated-8", x = 101:108, y = 1:8, conf = 0.98),
  list(name = "separated-reverse-6", x = c(0.1, 0.2, 0.3, 0.4, 0.5, 0.6), y = c(10, 11, 12, 13, 14, 15), conf = 0.95),
  list(name = "tiny-scale-error-rates", x = rbeta(31, 2, 400), y = rbeta(31, 2, 500), conf = 0.98),
  list(name = "huge-scale-bytes", x = rnorm(40, 3e9, 2e8), y = rnorm(40, 3.1e9, 2e8), conf = 0.98),
  list(name = "mostly-zero-counts", x = c(rep(0, 25), 1, 2, 0, 3, 0, 1), y = c(rep(0, 28), 1, 0, 0), conf = 0.98),
  list(name = "exponential-skewed", x = rexp(45, 1 / 3), y = rexp(45, 1 / 2), conf = 0.98),
  list(name = "uniform-odd-sizes", x = runif(13), y = runif(17), conf = 0.8),
  list(name = "step-15s-30min", x = rnorm(121, 0.2, 0.02), y = rnorm(121, 0.2, 0.02), conf = 0.98),
  list(name = "bimodal", x = c(rnorm(20, 1), rnorm(20, 5)), y = c(rnorm(25, 1), rnorm(15, 5)), conf = 0.98),
  list(name = "small-3-4", x = c(1.5, 2.5, 3.5), y = c(1, 2, 3, 4), conf = 0.9),
  list(name = "ties-in-one-sample", x = rep(c(1, 2, 3), each = 7), y = rnorm(20, 2, 1), conf = 0.98),
  list(name = "decrease-throughput", x = rnorm(61, 850, 40), y = rnorm(61, 1000, 40), conf = 0.98)
)

wilcox_run <- function(x, y, alternative, conf) {
  suppressWarnings(wilcox.test(x, y, alternative = alternative, exact = FALSE, correct = TRUE,
                               conf.int = TRUE, conf.level = conf))
}

wilcox_entry <- function(s) {
  x <- s$x; y <- s$y
  two <- wilcox_run(x, y, "two.sided", s$conf)
  greater <- wilcox_run(x, y, "greater", s$conf)
  less <- wilcox_run(x, y, "less", s$conf)
  span <- diff(range(c(x, y)))
  scale <- if (span > 0) 10^round(6 - log10(span)) else 1
  scaled <- wilcox_run(x * scale, y * scale, "two.sided", s$conf)
  obj(
    name = str(s$name), x = arr(x), y = arr(y), confidence = num(s$conf),
    w = num(two$statistic),
    p_two_sided = num(two$p.value), p_greater = num(greater$p.value), p_less = num(less$p.value),
    hodges_lehmann = num(median(outer(x, y, "-"))),
    ci = arr(two$conf.int), ci_scaled = arr(scaled$conf.int / scale)
  )
}

# Rate ratio sets: canary events/exposure, baseline events/exposure, null ratio r.
rate_sets <- list(
  list(name = "error-spike", c = c(50, 30000), b = c(5, 30000), r = 1),
  list(name = "low-traffic", c = c(3, 200), b = c(2, 250), r = 1),
  list(name = "canary-zero", c = c(0, 1000), b = c(4, 1000), r = 1),
  list(name = "baseline-zero", c = c(7, 1000), b = c(0, 1000), r = 1),
  list(name = "both-zero", c = c(0, 500), b = c(0, 800), r = 1),
  list(name = "tolerance-1.1", c = c(120, 10000), b = c(100, 10000), r = 1.1),
  list(name = "tolerance-0.9", c = c(80, 10000), b = c(100, 10000), r = 0.9),
  list(name = "unequal-exposure", c = c(30, 2000), b = c(400, 60000), r = 1),
  list(name = "large-counts", c = c(5230, 1e6), b = c(5010, 1e6), r = 1),
  list(name = "very-large-counts", c = c(152000, 3e7), b = c(149000, 3e7), r = 1.01),
  list(name = "high-ratio", c = c(4500, 9000), b = c(4400, 9000), r = 1),
  list(name = "single-event", c = c(1, 100), b = c(0, 100), r = 1),
  list(name = "equal-rates", c = c(40, 4000), b = c(40, 4000), r = 1),
  list(name = "fractional-exposure", c = c(12, 1234.5), b = c(9, 2345.25), r = 1),
  list(name = "improvement", c = c(10, 10000), b = c(60, 10000), r = 1),
  list(name = "conf-0.9", c = c(25, 5000), b = c(15, 5000), r = 1, conf = 0.9)
)

rate_entry <- function(s) {
  conf <- if (is.null(s$conf)) 0.98 else s$conf
  run <- function(alternative) poisson.test(c(s$c[1], s$b[1]), c(s$c[2], s$b[2]), r = s$r,
                                            alternative = alternative, conf.level = conf)
  two <- run("two.sided")
  obj(
    name = str(s$name), canary = arr(s$c), baseline = arr(s$b), ratio = num(s$r), confidence = num(conf),
    estimate = num(two$estimate), ci = arr(two$conf.int),
    p_two_sided = num(two$p.value), p_greater = num(run("greater")$p.value), p_less = num(run("less")$p.value)
  )
}

z <- c(-37, -10, -5, -3.2, -2.5, -1.96, -1, -0.3, 0, 0.4, 1.2, 2.2, 2.9, 4, 8)
p <- c(1e-300, 1e-20, 1e-8, 0.001, 0.01, 0.025, 0.1, 0.3, 0.5, 0.7, 0.9, 0.975, 0.99, 0.999999)

cat("{\n")
cat("\"generator\":", str(paste0("scripts/reference/wilcox.R on ", R.version.string)), ",\n")
cat("\"wilcox\": [\n", paste(vapply(wilcox_sets, wilcox_entry, ""), collapse = ",\n"), "\n],\n")
cat("\"rate_ratio\": [\n", paste(vapply(rate_sets, rate_entry, ""), collapse = ",\n"), "\n],\n")
cat("\"pnorm\":", obj(z = arr(z), lower = arr(pnorm(z)), upper = arr(pnorm(z, lower.tail = FALSE))), ",\n")
cat("\"qnorm\":", obj(p = arr(p), q = arr(qnorm(p))), "\n")
cat("}\n")
