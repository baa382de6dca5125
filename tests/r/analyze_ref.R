# analyze_ref.R -- reference values for `gapsurvey analyze --json`, computed
# in R exactly as shared DESIGN.md section 5 defines every statistic, on the
# fixture in tests/fixtures/rcheck/. A CLI test imports the same data into
# gapsurvey, runs analyze --json and compares with tests/cli/json_close.py
# (relative tolerance 1e-6).
#
# Usage (from the repository root):
#   Rscript tests/r/analyze_ref.R [FIXTURE_DIR]
# Needs: r-base-core r-cran-psych r-cran-multilevel r-cran-jsonlite (Debian).
# Writes into FIXTURE_DIR (default tests/fixtures/rcheck):
#   expected.json           analyze --json                    (min_n 5: R5, R6, R7 suppressed)
#   expected-min-n-4.json   analyze --json --min-n 4          (R6, R7 suppressed, R5 shown)
#   expected-by-level.json  analyze --json --by level         (groups jr, sr)
# All with min_diff 5 and fdr 0.05 (the defaults).
#
# Where DESIGN.md leaves room, the choice made here is marked "CHOICE:".

suppressPackageStartupMessages({
  library(psych)       # psych::alpha
  library(multilevel)  # multilevel::ICC1, ICC2 (rwg.j only cross-checked, see below)
  library(jsonlite)    # jsonlite::toJSON
})

args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args) >= 1) args[1] else "tests/fixtures/rcheck"

Z95 <- 1.959964    # DESIGN: funnel limits use these constants, not qnorm()
Z998 <- 3.090232
TOL <- 1e-10       # for the internal cross-checks below

check <- function(a, b, what) {
  if (!isTRUE(all.equal(a, b, tolerance = TOL, check.attributes = FALSE)))
    stop(sprintf("cross-check failed: %s (%s vs %s)", what,
                 format(a, digits = 17), format(b, digits = 17)))
}

# ---------------------------------------------------------------- forms ----
# pyxform one-file CSV: a row whose first cell is non-empty starts a sheet,
# the next row is the sheet's header, data rows have an empty first cell.
read_xlsform <- function(path) {
  raw <- read.csv(path, header = FALSE, colClasses = "character",
                  na.strings = character(0), fill = TRUE,
                  col.names = paste0("V", 1:20), encoding = "UTF-8")
  sheets <- list(); i <- 1
  while (i <= nrow(raw)) {
    name <- tolower(raw$V1[i])
    if (name == "") stop(path, ": data row outside a sheet at line ", i)
    hdr <- unlist(raw[i + 1, -1]); keepc <- hdr != ""
    j <- i + 2
    while (j <= nrow(raw) && raw$V1[j] == "") j <- j + 1
    body <- raw[seq_len(j - i - 2) + i + 1, -1, drop = FALSE][, keepc, drop = FALSE]
    names(body) <- hdr[keepc]
    sheets[[name]] <- body
    i <- j
  }
  s <- sheets$survey
  s$list <- ifelse(grepl("^select_one ", s$type), sub("^select_one ", "", s$type), NA)
  s$reverse <- tolower(if (is.null(s$reverse)) rep("", nrow(s)) else s$reverse) == "yes"
  sheets$survey <- s
  sheets
}

# Dimension definitions: items, reverse flags and the scale of each item
# (choices coded by their names 1..A; min/max of that list).
dim_defs <- function(form) {
  s <- form$survey; ch <- form$choices
  lapply(setNames(form$dimensions$name, form$dimensions$name), function(code) {
    it <- s[s$dimension == code, ]
    vals <- lapply(it$list, function(l) as.numeric(ch$name[ch$list_name == l]))
    list(code = code,
         label = form$dimensions[form$dimensions$name == code, "label::English (en)"],
         items = it$name, reverse = it$reverse,
         min = sapply(vals, min), max = sapply(vals, max),
         A = sapply(vals, length))
  })
}

# ------------------------------------------------------------- scoring ----
# DESIGN 5: reverse items become min+max-x; the dimension score is the mean
# of the answered items rescaled to POMP 100*(mean-min)/(max-min); missing
# when fewer than half the items are answered, i.e. answered*2 < k (so 2 of 4
# and 2 of 3 are scored, 1 of 3 and 1 of 4 are not).
# CHOICE: all items of a dimension share one list here (agree5, 1..5), so
# rescaling the item mean and averaging rescaled items are the same thing.
scored_items <- function(dat, dd) {
  X <- as.matrix(dat[, dd$items, drop = FALSE]); storage.mode(X) <- "double"
  for (j in seq_along(dd$items)) if (dd$reverse[j]) X[, j] <- dd$min[j] + dd$max[j] - X[, j]
  X
}
dim_score <- function(dat, dd) {
  S <- scored_items(dat, dd); k <- ncol(S)
  answered <- rowSums(!is.na(S))
  m <- rowMeans(S, na.rm = TRUE)
  pomp <- 100 * (m - dd$min[1]) / (dd$max[1] - dd$min[1])
  ifelse(answered * 2 < k, NA_real_, pomp)
}

tci <- function(x) t.test(x)$conf.int   # stats::t.test one-sample 95% CI

# ------------------------------------------------------------ analysis ----
analyze <- function(staff, form, units, self_scores, by, min_n,
                    min_diff = 5, fdr = 0.05) {
  defs <- dim_defs(form)
  codes <- names(defs)
  scores <- sapply(defs, function(dd) dim_score(staff, dd))   # respondents x dims
  group <- staff[[by]]
  group[group == ""] <- NA
  # CHOICE: a respondent with no answer to the --by item belongs to no group
  # (absent from group statistics, still in population figures). The fixture
  # has no such respondent, so the choice is not tested.

  # --- anonymity (DESIGN 5): groups by number of responses, not of scores
  cnt <- table(group)
  cnt <- setNames(as.integer(cnt), names(cnt))
  supp <- cnt < min_n
  # CHOICE: complementary suppression only when at least one group is
  # suppressed; one step (the added group has >= min_n, so the total then is
  # >= min_n). A tie for "next smallest" would be ambiguous: refuse it.
  if (any(supp) && sum(cnt[supp]) < min_n && any(!supp)) {
    rest <- cnt[!supp]
    if (sum(rest == min(rest)) > 1) stop("tie for next smallest group")
    supp[names(which.min(rest))] <- TRUE
  }
  shown <- names(cnt)[!supp]

  # --- per-respondent deviation from own mean over scored dimensions
  rmean <- rowMeans(scores, na.rm = TRUE)

  dims_out <- list(); between <- list()
  for (code in codes) {
    dd <- defs[[code]]
    x <- scores[, code]; ok <- !is.na(x)
    ci <- tci(x[ok])

    # reliability on complete cases of the scored (reversed) items
    S <- scored_items(staff, dd)
    cc <- S[complete.cases(S), , drop = FALSE]
    Nc <- nrow(cc); k <- ncol(cc)
    a <- psych::alpha(as.data.frame(cc), check.keys = FALSE, warnings = FALSE)
    raw_alpha <- a$total$raw_alpha                       # psych::alpha raw_alpha
    C <- cov(cc)
    check(raw_alpha, k / (k - 1) * (1 - sum(diag(C)) / sum(C)), "raw alpha")
    # Feldt CI: qf(.975) > qf(.025), so the .975 quantile gives the LOW bound
    feldt <- 1 - (1 - raw_alpha) * qf(c(.975, .025), Nc - 1, (Nc - 1) * (k - 1))
    items <- lapply(seq_len(k), function(j) {
      v <- as.numeric(staff[[dd$items[j]]])              # as answered, before reversal
      r_drop <- a$item.stats[j, "r.drop"]                # psych r.drop
      check(r_drop, cor(cc[, j], rowSums(cc[, -j, drop = FALSE])), "r.drop")
      list(name = dd$items[j], n = sum(!is.na(v)), mean = mean(v, na.rm = TRUE),
           sd = sd(v, na.rm = TRUE), r_drop = r_drop,
           alpha_if_dropped = a$alpha.drop[j, "raw_alpha"])   # psych alpha.drop
    })

    # between-group statistics: every group with a score, suppressed included
    bg <- data.frame(score = x, g = group)[ok & !is.na(group), ]
    bg$g <- factor(bg$g)
    fit <- aov(score ~ g, data = bg)                     # stats::aov
    tab <- summary(fit)[[1]]                             # summary(aov)
    dfB <- tab[1, "Df"]; dfW <- tab[2, "Df"]
    SSB <- tab[1, "Sum Sq"]; SSW <- tab[2, "Sum Sq"]; SST <- SSB + SSW
    MSB <- tab[1, "Mean Sq"]; MSW <- tab[2, "Mean Sq"]
    G <- nlevels(bg$g); Ng <- nrow(bg); kk <- Ng / G
    w <- oneway.test(score ~ g, data = bg, var.equal = FALSE)   # Welch ANOVA
    kw <- kruskal.test(score ~ g, data = bg)             # Kruskal-Wallis, tie-corrected
    icc1 <- multilevel::ICC1(fit); icc2 <- multilevel::ICC2(fit)
    check(icc1, (MSB - MSW) / (MSB + (kk - 1) * MSW), "ICC1")
    check(icc2, (MSB - MSW) / MSB, "ICC2")
    tau2 <- max(0, (MSB - MSW) / kk)
    grand <- mean(x[ok])                                 # all respondents' scores
    between[[code]] <- list(MSW = MSW, tau2 = tau2, grand = grand)

    # weak dimension: one-sample t-test of d = score - own mean of scored dims
    d <- (x - rmean)[ok]
    tt <- t.test(d)                                      # stats::t.test
    dims_out[[code]] <- list(
      code = code, label = dd$label, n = sum(ok), mean = mean(x[ok]), sd = sd(x[ok]),
      ci_low = ci[1], ci_high = ci[2],
      alpha = raw_alpha, std_alpha = a$total$std.alpha, average_r = a$total$average_r,
      alpha_ci_low = feldt[1], alpha_ci_high = feldt[2],
      items = items,
      anova = list(f = tab[1, "F value"], df_between = dfB, df_within = dfW,
                   p = tab[1, "Pr(>F)"], eta2 = SSB / SST,
                   omega2 = max(0, (SSB - dfB * MSW) / (SST + MSW))),
      welch_anova = list(f = unname(w$statistic), df_between = unname(w$parameter[1]),
                         df_within = unname(w$parameter[2]), p = w$p.value),
      kruskal = list(h = unname(kw$statistic), df = unname(kw$parameter), p = kw$p.value),
      icc1 = icc1, icc2 = icc2,
      deviation = mean(d), t = unname(tt$statistic), p = tt$p.value)
  }
  q <- p.adjust(sapply(dims_out, `[[`, "p"), "BH")       # BH across dimensions
  for (code in codes) {
    dims_out[[code]]$q <- unname(q[code])
    dims_out[[code]]$weak <- unname(q[code] < fdr && dims_out[[code]]$deviation <= -min_diff)
  }

  # --- per shown group x dimension
  cells <- list()
  for (gname in shown) for (code in codes) {
    dd <- defs[[code]]; b <- between[[code]]
    x <- scores[, code]
    ing <- !is.na(group) & group == gname
    xu <- x[ing & !is.na(x)]
    xo <- x[!ing & !is.na(x)]      # all other respondents, suppressed groups' too
    n <- length(xu); m <- mean(xu); ci <- tci(xu)
    B <- b$tau2 / (b$tau2 + b$MSW / n)
    se <- sqrt(b$MSW / n + b$tau2)
    funnel <- if (m < b$grand - Z998 * se) "below_998" else
              if (m < b$grand - Z95 * se) "below_95" else
              if (m > b$grand + Z998 * se) "above_998" else
              if (m > b$grand + Z95 * se) "above_95" else "inside"
    # rwg(j): multilevel::rwg.j drops every row with any missing answer
    # (na.exclude on the whole item block); DESIGN wants missing answers
    # dropped per item, so the same formula is computed here by hand:
    # S = mean over items of var(item, na.rm), truncated at the null variance
    # (A^2-1)/12, rwg_j = J(1-S/v)/(J(1-S/v)+S/v).
    # CHOICE: every respondent of the group contributes the answers they
    # gave, also one whose dimension score is missing.
    X <- as.matrix(staff[ing, dd$items, drop = FALSE]); storage.mode(X) <- "double"
    ranvar <- (dd$A[1]^2 - 1) / 12
    Sv <- min(mean(apply(X, 2, var, na.rm = TRUE)), ranvar)
    J <- ncol(X)
    rwg <- J * (1 - Sv / ranvar) / (J * (1 - Sv / ranvar) + Sv / ranvar)
    if (all(complete.cases(X)))  # then multilevel::rwg.j must agree
      check(rwg, multilevel::rwg.j(X, rep(1, nrow(X)), ranvar)$rwg.j, "rwg.j")
    tt <- t.test(xu, xo)                                 # Welch two-sample t.test
    cells[[length(cells) + 1]] <- list(group = gname, dim = code, s = list(
      n = n, mean = m, sd = sd(xu), ci_low = ci[1], ci_high = ci[2],
      shrunk = b$grand + B * (m - b$grand), rwg_j = rwg,
      diff = m - mean(xo), t = unname(tt$statistic), df = unname(tt$parameter),
      p = tt$p.value, funnel = funnel))
  }
  qc <- p.adjust(sapply(cells, function(c) c$s$p), "BH")   # all tested cells
  for (i in seq_along(cells)) {
    cells[[i]]$s$q <- qc[i]
    cells[[i]]$s$weak <- qc[i] < fdr && cells[[i]]$s$diff <= -min_diff
  }

  groups_out <- lapply(names(cnt), function(gname) {
    g <- list(code = gname)
    if (by == "unit") g$name <- units$name[units$code == gname]
    g$n <- cnt[[gname]]; g$suppressed <- unname(supp[gname])
    if (!supp[gname]) {
      sc <- list()
      for (c in cells) if (c$group == gname) {
        s <- c$s
        sc[[c$dim]] <- s[c("n", "mean", "sd", "ci_low", "ci_high", "shrunk", "rwg_j",
                           "diff", "t", "df", "p", "q", "weak", "funnel")]
      }
      g$scores <- sc
    }
    g
  })

  out <- list(form = form$settings$form_id, respondents = nrow(staff),
              group_by = by, min_n = min_n, min_diff = min_diff, fdr = fdr,
              dimensions = unname(dims_out), groups = groups_out)

  # --- gaps: shown units with a self score (unit grouping only)
  # CHOICE: with --by ITEM there are no units to compare; the by-level file
  # leaves "gaps" out, so either [] or no key passes.
  if (by == "unit") {
    gaps <- list()
    for (c in cells) {
      sv <- self_scores[[c$dim]][c$group]
      if (is.null(sv) || is.na(sv)) next
      s <- c$s; gap <- unname(sv) - s$mean
      flag <- if (sv > s$ci_high && gap >= min_diff) "overclaim" else
              if (sv < s$ci_low && gap <= -min_diff) "underclaim" else "consistent"
      gaps[[length(gaps) + 1]] <- list(unit = c$group, dimension = c$dim,
        self = unname(sv), staff = s$mean, staff_ci_low = s$ci_low,
        staff_ci_high = s$ci_high, gap = gap, flag = flag)
    }
    out$gaps <- gaps
  }
  out$changes <- list()   # no --compare-wave
  out
}

# ---------------------------------------------------------------- main ----
rd <- function(f) read.csv(file.path(dir, f), colClasses = "character",
                           na.strings = "", check.names = FALSE)
staff_form <- read_xlsform(file.path(dir, "staff.csv"))
self_form <- read_xlsform(file.path(dir, "self.csv"))
staff_form$settings <- as.list(staff_form$settings[1, ])
units <- rd("units.csv")
staff <- rd("staff-responses.csv")
staff$level[is.na(staff$level)] <- ""
self <- rd("self-responses.csv")

# self score of a unit: POMP per dimension of its self response(s), scored
# like the staff form (CHOICE: several self responses would be averaged)
sdefs <- dim_defs(self_form)
self_scores <- lapply(sdefs, function(dd) {
  v <- dim_score(self, dd); tapply(v, self$unit, mean, na.rm = TRUE)
})

write_json_file <- function(x, name) {
  txt <- jsonlite::toJSON(x, auto_unbox = TRUE, digits = I(15), na = "null",
                          null = "null", pretty = TRUE)
  writeLines(txt, file.path(dir, name))
  cat("wrote", file.path(dir, name), "\n")
}

main <- analyze(staff, staff_form, units, self_scores, "unit", 5)
write_json_file(main, "expected.json")
write_json_file(analyze(staff, staff_form, units, self_scores, "unit", 4),
                "expected-min-n-4.json")
write_json_file(analyze(staff, staff_form, units, self_scores, "level", 5),
                "expected-by-level.json")
