# validity_ref.R -- reference values for analysis/validity.c, efa.c,
# parallel.c, cfa.c, drivers.c and careless.c, computed with the R packages
# they reproduce, on these datasets:
#   demo  the shipped simulated city: `gapsurvey demo` then
#         `gapsurvey --db demo/demo.db export --form staff-opinion
#          --wave 2026 --format plain` (tests/fixtures/validity/demo/
#         staff.csv), its 38 dimension items scored as the form says
#         (reverse items 6 - x), seven dimensions from
#         questionnaires/staff-opinion.csv;
#   bfi   psych's bfi (2800 people, 25 Big Five items on a 6-point scale,
#         reverse-keyed items 7 - x as psych's bfi.keys), five factors;
#   heywood  psych's Thurstone correlations, EFA with 4 factors only (a
#         uniqueness at psych's lower bound).
# Drivers use the demo's outcome (the overall judgement, the form's
# outcome_field) on its seven dimension scores (POMP, DESIGN.md section 5)
# and R's swiss data (Fertility on the other five columns, relaimpo's own
# example).
#
# Usage (from the repository root; CI has no R, the outputs are committed):
#   Rscript tests/r/validity_ref.R
# Written with R 4.2.2, psych 2.2.9, GPArotation 2022.10-2, lavaan 0.6-14
# (Debian 12: apt-get install r-base-core r-cran-psych r-cran-gparotation
# r-cran-lavaan).  relaimpo is not packaged in Debian: LMG is computed here
# by its definition (the R^2 increase of each predictor averaged over all
# orders of entry, equivalently over all 2^k subsets with Shapley weights),
# with lm(); the careless-answer indices by their definitions (rle, sd,
# mahalanobis, pchisq), as the careless package is not packaged either.
#
# Each dataset directory gets:
#   items.csv    the scored items, one row per respondent, blank = missing
#   dims.csv     item,factor (0-based factor index of each item)
#   drivers.csv  y,x1..xk complete cases (drivers datasets only)
#   expected.csv key,i,j,value: every reference number (i, j 0-based)

suppressPackageStartupMessages({
  library(psych); library(GPArotation); library(lavaan)
})
source("tests/r/refs_lib.R")   # form_dims, pomp_scores, drivers_values
options(mc.cores = 1)   # fa.parallel's mclapply: one process, one RNG stream

out_root <- "tests/fixtures/validity"
PA_ITER <- 200; PA_SEED <- 1

rows <- list()
put <- function(key, v, i = 0, j = 0) {
  rows[[length(rows) + 1]] <<- data.frame(key = key, i = i, j = j,
                                          value = sprintf("%.17g", v))
}
put_vec <- function(key, v) for (i in seq_along(v)) put(key, v[i], i - 1)
put_mat <- function(key, m)
  for (i in seq_len(nrow(m))) for (j in seq_len(ncol(m))) put(key, m[i, j], i - 1, j - 1)
flush <- function(dir) {
  write.csv(do.call(rbind, rows), file.path(dir, "expected.csv"),
            row.names = FALSE, quote = FALSE)
  rows <<- list()
}
write_items <- function(x, dir)
  write.csv(x, file.path(dir, "items.csv"), row.names = FALSE, na = "")

# psych::fa minres + oblimin on data or a correlation matrix
efa_refs <- function(x, nf, n.obs = NA) {
  f <- fa(x, nfactors = nf, n.obs = n.obs, fm = "minres", rotate = "oblimin",
          warnings = FALSE)
  put("efa_factors", nf)
  put_mat("efa_loadings", unclass(f$loadings))
  put_vec("efa_communality", f$communality)
  put_vec("efa_uniqueness", f$uniquenesses)
  put_mat("efa_phi", f$Phi)
  put_vec("efa_ss_loadings", f$Vaccounted["SS loadings", ])
  put_vec("efa_values", f$values)
}

# ------------------------------------------------------- validity set ----
validity_refs <- function(x, dims, dir) {
  dir.create(dir, showWarnings = FALSE, recursive = TRUE)
  write_items(x, dir)
  nf <- length(unique(dims))
  write.csv(data.frame(item = colnames(x), factor = dims - 1),
            file.path(dir, "dims.csv"), row.names = FALSE, quote = FALSE)
  r <- cor(x, use = "pairwise")          # psych's default
  n <- nrow(x)
  put("n", n)
  put_mat("r", r)

  k <- KMO(x)                             # psych::KMO
  put("kmo", k$MSA); put_vec("kmo_item", k$MSAi)
  b <- cortest.bartlett(r, n = n)         # psych::cortest.bartlett
  put("bartlett_chisq", b$chisq); put("bartlett_df", b$df); put("bartlett_p", b$p.value)
  put_vec("eigen", eigen(r)$values)
  put_vec("smc", smc(r))

  # fa.values of the observed data (one-factor minres), as fa.parallel
  put_vec("fa_values", fa(r, nfactors = 1, rotate = "none", fm = "minres",
                          warnings = FALSE)$values)

  set.seed(PA_SEED)
  pa <- fa.parallel(x, fa = "both", n.iter = PA_ITER, plot = FALSE)
  p <- ncol(x); v <- pa$values
  csim <- v[, (2 * p + 1):(3 * p)]; fsim <- v[, (3 * p + 1):(4 * p)]
  put("pa_iterations", PA_ITER); put("pa_seed", PA_SEED)
  put_vec("pa_pc_obs", pa$pc.values); put_vec("pa_fa_obs", pa$fa.values)
  put_vec("pa_pc_sim95", apply(csim, 2, quantile, 0.95))
  put_vec("pa_fa_sim95", apply(fsim, 2, quantile, 0.95))
  put_vec("pa_pc_sim_sd", apply(csim, 2, sd))
  put_vec("pa_fa_sim_sd", apply(fsim, 2, sd))
  put("pa_nfact", pa$nfact); put("pa_ncomp", pa$ncomp)

  efa_refs(x, nf)

  # CFA: each item on its factor, factors correlated, complete cases
  names_f <- paste0("F", seq_len(nf))
  model <- paste(sapply(seq_len(nf), function(q)
    paste(names_f[q], "=~", paste(colnames(x)[dims == q], collapse = " + "))),
    collapse = "\n")
  cc <- x[complete.cases(x), ]
  fit <- cfa(model, data = cc, std.lv = FALSE)                   # lavaan
  fm <- fitMeasures(fit, c("chisq", "df", "pvalue", "baseline.chisq",
                           "baseline.df", "cfi", "tli", "rmsea",
                           "rmsea.ci.lower", "rmsea.ci.upper", "srmr"))
  put("cfa_n", nrow(cc))
  for (nm in names(fm)) put(paste0("cfa_", gsub(".", "_", nm, fixed = TRUE)), fm[[nm]])
  pe <- parameterEstimates(fit); st <- standardizedSolution(fit)
  ld <- pe[pe$op == "=~", ]; sl <- st[st$op == "=~", ]
  idx <- match(colnames(x), ld$rhs)
  put_vec("cfa_loading", ld$est[idx])
  put_vec("cfa_std_loading", sl$est.std[idx])
  th <- pe[pe$op == "~~" & pe$lhs == pe$rhs & pe$lhs %in% colnames(x), ]
  put_vec("cfa_residual", th$est[match(colnames(x), th$lhs)])
  phi <- lavInspect(fit, "est")$psi[names_f, names_f]
  put_mat("cfa_phi", phi)
  lam <- sl$est.std[idx]
  for (q in seq_len(nf)) {
    l <- lam[dims == q]
    # composite reliability of the standardized solution (Raykov's omega
    # with std residual variances 1 - lambda^2) and AVE (Fornell-Larcker)
    put("cfa_omega", sum(l)^2 / (sum(l)^2 + sum(1 - l^2)), q - 1)
    put("cfa_ave", mean(l^2), q - 1)
  }

  # careless-answer indices on the first 30 rows, Mahalanobis against the
  # complete-case mean and covariance
  s <- x[1:30, ]
  longstring <- apply(s, 1, function(v) {
    rl <- rle(v)                          # NA breaks runs: rle(NA, NA) are
    max(c(0, rl$lengths[!is.na(rl$values)]))   # two runs of NA, dropped
  })
  irv <- apply(s, 1, function(v) sd(v, na.rm = TRUE))
  d2 <- mahalanobis(s, colMeans(cc), cov(cc))
  put_vec("careless_longstring", longstring)
  put_vec("careless_irv", irv)
  put_vec("careless_d2", d2)
  put_vec("careless_d2_p", pchisq(d2, df = ncol(x), lower.tail = FALSE))
}

# --------------------------------------------------------- drivers set ----
# relaimpo::calc.relimp(type = c("lmg", "betasq", "first")) by definition
# (refs_lib.R)
drivers_refs <- function(d, dir) {
  dir.create(dir, showWarnings = FALSE, recursive = TRUE)
  write.csv(d, file.path(dir, "drivers.csv"), row.names = FALSE)
  v <- drivers_values(d)
  put("n", v$n); put("r2", v$r2)
  put_vec("lmg", v$lmg); put_vec("rw", v$rw); put_vec("beta", v$beta); put_vec("r", v$r)
  flush(dir)
}

# ---------------------------------------------------------------- demo ----
demo <- read.csv(file.path(out_root, "demo/staff.csv"), colClasses = "character")
fd <- form_dims("questionnaires/staff-opinion.csv")
x <- sapply(fd$items, function(it) as.numeric(ifelse(demo[[it]] == "", NA, demo[[it]])))
x[, fd$reverse] <- 6 - x[, fd$reverse]
dcodes <- unique(fd$dim)
validity_refs(x, match(fd$dim, dcodes), file.path(out_root, "demo"))
flush(file.path(out_root, "demo"))

# DESIGN 5 scores: mean of answered items, POMP, missing under half answered
scores <- pomp_scores(x, fd$dim, dcodes)
dd <- data.frame(overall = as.numeric(ifelse(demo$overall == "", NA, demo$overall)), scores)
drivers_refs(dd[complete.cases(dd), ], file.path(out_root, "drivers-demo"))

# ----------------------------------------------------------------- bfi ----
data(bfi, package = "psych")
b <- as.matrix(bfi[, 1:25])
rev <- c("A1", "C4", "C5", "E1", "E2", "O2", "O5")
b[, rev] <- 7 - b[, rev]
validity_refs(b, match(substr(colnames(b), 1, 1), c("A", "C", "E", "N", "O")),
              file.path(out_root, "bfi"))
flush(file.path(out_root, "bfi"))

# A Heywood case: psych's Thurstone correlations, 4 factors, where minres
# drives the uniqueness of Pedigrees to its lower bound 0.005
dir.create(file.path(out_root, "heywood"), showWarnings = FALSE)
write.csv(Thurstone, file.path(out_root, "heywood/r.csv"), row.names = FALSE)
efa_refs(Thurstone, 4, n.obs = 213)
flush(file.path(out_root, "heywood"))

drivers_refs(swiss[, c("Fertility", "Agriculture", "Examination", "Education",
                       "Catholic", "Infant.Mortality")],
             file.path(out_root, "drivers-swiss"))
