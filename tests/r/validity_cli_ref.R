# validity_cli_ref.R -- reference values for the validity, drivers and
# careless blocks of `gapsurvey analyze --json --validity --drivers
# --screen`, computed in R (psych, GPArotation, lavaan; LMG and relative
# weights by their definitions in refs_lib.R; the careless indices by
# theirs) on two datasets, which tests/cli/validity.sh imports, analyses
# and compares with tests/cli/json_close.py:
#   valcheck  tests/fixtures/valcheck/: a small survey made in R by its
#             make_data.R (independent of gapsurvey's simulator), three
#             dimensions, four units, an item that belongs elsewhere, one
#             that barely loads, five careless respondents;
#   demo      the shipped simulated city: tests/fixtures/validity/demo/
#             staff.csv (`gapsurvey demo`'s wave 2026, exported plain, see
#             tests/fixtures/validity/README.md), scored as
#             questionnaires/staff-opinion.csv says, with its outcome
#             `overall`; references in tests/fixtures/valcheck/demo/.
#
# Usage (from the repository root; CI has no R, the outputs are committed):
#   Rscript tests/r/validity_cli_ref.R
# Written with R 4.2.2, psych 2.2.9, GPArotation 2022.10-2, lavaan 0.6-14,
# jsonlite (Debian 12: r-cran-psych r-cran-gparotation r-cran-lavaan
# r-cran-jsonlite).  Writes into each dataset's directory:
#   expected-exact.json    closed forms, compared to 1e-6: KMO and MSA,
#                          Bartlett, eigenvalues, the key drivers (LMG,
#                          relative weights, beta, r, Pratt, medians,
#                          quadrants, per unit), the careless screen, the
#                          respondent counts
#   expected-fit.json      iterative fits, compared to 1e-4 (as
#                          tests/unit/test_validity.c): the reduced
#                          eigenvalues, the minres + oblimin EFA, the CFA
#                          and its omega and AVE
#   expected-pa.json       parallel analysis (200 simulated data sets,
#                          set.seed(1)): the numbers of factors and
#                          components, and the simulated 95th percentiles
#                          with their SDs (compared within simulation error)
#   expected-exclude.json  the same closed forms with --exclude-careless:
#                          the flagged respondents left out of everything
#   expected-exclude-fit.json  the iterative fits with --exclude-careless
#   expected-factors2.json the iterative fits with --factors 2 (an EFA of
#                          two factors; the CFA is the form's own model)
# Where DESIGN.md and issue 19 leave room, the choice is marked "CHOICE:".

suppressPackageStartupMessages({
  library(psych); library(GPArotation); library(lavaan); library(jsonlite)
})
source("tests/r/refs_lib.R")
options(mc.cores = 1)

MIN_PER_PREDICTOR <- 10
ALPHA <- 0.001
# the dataset being worked on, set by references() below (declared here so
# that its <<- assigns these, not base's dir and units)
dir <- fd <- codes <- raw <- outcome <- units <- NULL

# ---------------------------------------------------- careless screen ----
careless <- function(raw) {
  longstring <- apply(raw, 1, function(v) {
    rl <- rle(v)                          # NA breaks runs
    max(c(0, rl$lengths[!is.na(rl$values)]))
  })
  irv <- apply(raw, 1, function(v) sd(v, na.rm = TRUE))
  straight <- apply(raw, 1, function(v) sum(!is.na(v)) >= 2 && length(unique(na.omit(v))) == 1)
  complete <- complete.cases(raw)
  cc <- raw[complete, ]
  d2 <- rep(NA, nrow(raw))
  d2[complete] <- mahalanobis(cc, colMeans(cc), cov(cc))
  p <- pchisq(d2, df = ncol(raw), lower.tail = FALSE)
  far <- !is.na(p) & p < ALPHA
  list(flag = straight | far,
       block = list(screened = nrow(raw), items = ncol(raw), complete = sum(complete),
                    straightlining = sum(straight), mahalanobis = sum(far),
                    flagged = sum(straight | far), mahalanobis_alpha = ALPHA,
                    mahalanobis_cutoff = qchisq(ALPHA, ncol(raw), lower.tail = FALSE),
                    mahalanobis_mean = mean(d2, na.rm = TRUE),
                    longstring = list(mean = mean(longstring), sd = sd(longstring),
                                      max = max(longstring)),
                    irv = list(mean = mean(irv, na.rm = TRUE), sd = sd(irv, na.rm = TRUE))))
}

# ---------------------------------------------------------- validity ----
x_of <- function(raw) {
  x <- raw
  x[, fd$reverse] <- 6 - x[, fd$reverse]
  x
}

validity_exact <- function(x) {
  r <- cor(x, use = "pairwise")           # psych's default
  n <- nrow(x)
  pairs <- crossprod(!is.na(x))           # respondents answering both
  k <- KMO(x)
  b <- cortest.bartlett(r, n = n)
  list(respondents = n, min_pair_n = min(pairs), kmo = k$MSA,
       bartlett = list(chisq = b$chisq, df = b$df, p = b$p.value),
       eigenvalues = eigen(r)$values,
       items = lapply(seq_along(fd$items), function(i)
         list(name = fd$items[i], dimension = fd$dim[i], msa = unname(k$MSAi[i]))))
}

# CHOICE (issue 19 leaves it open): a factor stands for the dimension whose
# items' loadings on it sum highest, taking the highest (dimension, factor)
# pair first, then the highest among those left; a pair whose sum is not
# positive pairs nothing.
factor_dims <- function(L) {
  S <- sapply(seq_len(ncol(L)), function(f) tapply(L[, f], factor(fd$dim, codes), sum))
  S <- matrix(S, length(codes))
  out <- rep(NA_character_, ncol(L))
  repeat {
    if (!any(S > 0, na.rm = TRUE)) break
    w <- which(S == max(S, na.rm = TRUE), arr.ind = TRUE)[1, ]
    out[w[2]] <- codes[w[1]]
    S[w[1], ] <- NA; S[, w[2]] <- NA
  }
  out
}

validity_fit <- function(x, nf = length(codes)) {
  r <- cor(x, use = "pairwise")
  f <- fa(x, nfactors = nf, fm = "minres", rotate = "oblimin", warnings = FALSE)
  L <- unclass(f$loadings)
  names_f <- paste0("F", seq_along(codes))   # the CFA: one factor per dimension
  model <- paste(sapply(seq_along(codes), function(q)
    paste(names_f[q], "=~", paste(fd$items[fd$dim == codes[q]], collapse = " + "))),
    collapse = "\n")
  cc <- x[complete.cases(x), ]
  fit <- cfa(model, data = as.data.frame(cc), std.lv = FALSE)
  fm <- fitMeasures(fit, c("chisq", "df", "pvalue", "cfi", "tli", "rmsea",
                           "rmsea.ci.lower", "rmsea.ci.upper", "srmr"))
  sl <- standardizedSolution(fit)
  sl <- sl[sl$op == "=~", ]
  lam <- sl$est.std[match(fd$items, sl$rhs)]
  list(eigenvalues_reduced = fa(r, nfactors = 1, rotate = "none", fm = "minres",
                                warnings = FALSE)$values,
       efa = list(factors = nf, ss_loadings = unname(f$Vaccounted["SS loadings", ]),
                  proportion_variance = unname(f$Vaccounted["Proportion Var", ]),
                  phi = unname(f$Phi), factor_dimensions = factor_dims(L)),
       cfa = list(n = nrow(cc), chisq = fm[["chisq"]], df = fm[["df"]], p = fm[["pvalue"]],
                  cfi = fm[["cfi"]], tli = fm[["tli"]], rmsea = fm[["rmsea"]],
                  rmsea_ci_low = fm[["rmsea.ci.lower"]], rmsea_ci_high = fm[["rmsea.ci.upper"]],
                  srmr = fm[["srmr"]],
                  # composite reliability of the standardized solution and AVE
                  dimensions = lapply(codes, function(dc) {
                    l <- lam[fd$dim == dc]
                    list(code = dc, omega = sum(l)^2 / (sum(l)^2 + sum(1 - l^2)), ave = mean(l^2))
                  })),
       items = lapply(seq_along(fd$items), function(i)
         list(name = fd$items[i], loadings = unname(L[i, ]),
              communality = unname(f$communality[i]), uniqueness = unname(f$uniquenesses[i]),
              std_loading = lam[i])))
}

# ----------------------------------------------------------- drivers ----
# The priority matrix: importance (LMG share) strictly above its median over
# the dimensions is important, a mean strictly below its median is low.
quadrants <- function(share, mean) {
  hi <- share > median(share); lo <- mean < median(mean)
  ifelse(hi, ifelse(lo, "priority", "strength"), ifelse(lo, "low_priority", "surplus"))
}

drivers_fit <- function(scores, y, perf) {
  dd <- data.frame(y = y, scores)
  dd <- dd[complete.cases(dd), ]
  if (nrow(dd) < MIN_PER_PREDICTOR * length(codes))
    return(list(n = nrow(dd), computed = FALSE, reason = "few_respondents"))
  v <- drivers_values(dd)
  share <- v$lmg / v$r2
  list(n = v$n, computed = TRUE, r2 = v$r2, importance_median = median(share),
       performance_median = median(perf),
       dimensions = lapply(seq_along(codes), function(j)
         list(code = codes[j], lmg = v$lmg[j], lmg_share = share[j], rw = v$rw[j],
              rw_share = v$rw[j] / v$r2, beta = v$beta[j], r = v$r[j],
              pratt_share = v$beta[j] * v$r[j] / v$r2, mean = perf[j],
              quadrant = quadrants(share, perf)[j])))
}

# Everything of one analysis over the respondents `keep` (all of them, or
# those left by --exclude-careless).
# The groups hidden by DESIGN.md section 5's rule: fewer than MIN_N
# respondents, and while the hidden ones together hold fewer than MIN_N,
# the smallest group still shown as well.  A hidden group shows nothing
# but its name: no drivers, no careless count.
MIN_N <- 5
hidden_groups <- function(n) {
  hide <- n < MIN_N
  while (any(hide) && sum(n[hide]) < MIN_N && !all(hide))
    hide[which(!hide)[which.min(n[!hide])]] <- TRUE
  names(n)[hide]
}

exact_block <- function(keep, scr) {
  x <- x_of(raw[keep, ])
  scores <- pomp_scores(x, fd$dim, codes)
  u <- units[keep]
  perf <- colMeans(scores, na.rm = TRUE)
  drv <- c(list(outcome = "overall"), drivers_fit(scores, outcome[keep], perf))
  codes_u <- sort(unique(u))
  hidden <- hidden_groups(sapply(setNames(codes_u, codes_u), function(g) sum(u == g)))
  drv$groups <- lapply(setdiff(codes_u, hidden), function(g) {
    s <- scores[u == g, , drop = FALSE]
    c(list(code = g), drivers_fit(s, outcome[keep][u == g], colMeans(s, na.rm = TRUE)))
  })
  groups <- lapply(sort(unique(units)), function(g)
    if (g %in% hidden) list(code = g, suppressed = TRUE) else
      list(code = g, n = sum(u == g), careless = sum(scr$flag[units == g])))
  list(respondents = sum(keep), excluded_careless = sum(!keep), validity = validity_exact(x),
       drivers = drv, careless = c(scr$block, list(excluded = !all(keep))), groups = groups)
}

write_json_file <- function(v, name)
  writeLines(toJSON(v, auto_unbox = TRUE, digits = NA, null = "null", na = "null", pretty = TRUE),
             file.path(dir, name))

# One dataset: the globals the functions above read (the form's scored
# items fd and dimension codes, the raw answers, the outcome, the units),
# then the four reference files in out_dir.
references <- function(out_dir, form_path, responses_path, outcome_item = "overall") {
  dir <<- out_dir
  dir.create(dir, showWarnings = FALSE, recursive = TRUE)
  fd <<- form_dims(form_path)
  codes <<- unique(fd$dim)
  d <- read.csv(responses_path, colClasses = "character")
  raw <<- sapply(fd$items, function(it) as.numeric(ifelse(d[[it]] == "", NA, d[[it]])))
  outcome <<- as.numeric(ifelse(d[[outcome_item]] == "", NA, d[[outcome_item]]))
  units <<- d$unit

  scr <- careless(raw)
  all_rows <- rep(TRUE, nrow(raw))
  write_json_file(exact_block(all_rows, scr), "expected-exact.json")
  write_json_file(exact_block(!scr$flag, scr), "expected-exclude.json")
  write_json_file(list(validity = validity_fit(x_of(raw))), "expected-fit.json")
  write_json_file(list(validity = validity_fit(x_of(raw[!scr$flag, ]))), "expected-exclude-fit.json")
  write_json_file(list(validity = validity_fit(x_of(raw), 2)), "expected-factors2.json")

  # parallel analysis: as tests/r/validity_ref.R, 200 data sets, set.seed(1)
  set.seed(1)
  x <- x_of(raw)
  pa <- fa.parallel(x, fa = "both", n.iter = 200, plot = FALSE)
  p <- ncol(x); v <- pa$values
  csim <- v[, (2 * p + 1):(3 * p)]; fsim <- v[, (3 * p + 1):(4 * p)]
  write_json_file(list(factors = pa$nfact, components = pa$ncomp,
                       simulated_95 = unname(apply(csim, 2, quantile, 0.95)),
                       simulated_95_sd = unname(apply(csim, 2, sd)),
                       simulated_95_reduced = unname(apply(fsim, 2, quantile, 0.95)),
                       simulated_95_reduced_sd = unname(apply(fsim, 2, sd))),
                  "expected-pa.json")
}

references("tests/fixtures/valcheck", "tests/fixtures/valcheck/form.csv",
           "tests/fixtures/valcheck/responses.csv")
references("tests/fixtures/valcheck/demo", "questionnaires/staff-opinion.csv",
           "tests/fixtures/validity/demo/staff.csv")
