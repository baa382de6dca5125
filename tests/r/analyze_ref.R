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
#   expected-edge.json      analyze --form edge-staff --json  (edge cases:
#                           zero variance, mixed scales, one-item dimension,
#                           two hidden units pooled; make_edge.py)
# All with min_diff 5 and fdr 0.05 (the defaults); --min-n 4 with
# --allow-small-groups.
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
# (choices coded by their names 1..A; min/max of that list; A its length).
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
# Items on different lists (the edge fixture's mix_dim) are each rescaled
# by their own list and then averaged; with one list for the dimension that
# is the same as rescaling the item mean.
scored_items <- function(dat, dd) {
  X <- as.matrix(dat[, dd$items, drop = FALSE]); storage.mode(X) <- "double"
  for (j in seq_along(dd$items)) if (dd$reverse[j]) X[, j] <- dd$min[j] + dd$max[j] - X[, j]
  X
}
dim_score <- function(dat, dd) {
  S <- scored_items(dat, dd); k <- ncol(S)
  answered <- rowSums(!is.na(S))
  P <- sweep(sweep(S, 2, dd$min), 2, dd$max - dd$min, "/") * 100
  pomp <- rowMeans(P, na.rm = TRUE)
  ifelse(answered * 2 < k, NA_real_, pomp)
}

# stats::t.test one-sample 95% CI; NA where t.test stops ("not enough
# observations", "data are essentially constant")
tci <- function(x) tryCatch(t.test(x)$conf.int[1:2], error = function(e) c(NA_real_, NA_real_))
ttest <- function(...) tryCatch(t.test(...), error = function(e) NULL)
num <- function(x) if (is.null(x) || length(x) == 0 || !is.finite(x)) NA_real_ else unname(x)

# The self score is ONE response: judged against one more staff member.
# 95% prediction interval mean +- qt(.975, n-1) sd sqrt(1 + 1/n), and
# Crawford & Howell's (1998) single-case t (singcar::TD gives the same);
# NA where t.test would call the staff's scores essentially constant.
single_case <- function(x, v) {
  n <- length(x); m <- mean(x); s <- sd(x)
  if (n < 2 || is.na(v) || !(s / sqrt(n) > 0) || s / sqrt(n) < 10 * .Machine$double.eps * abs(m))
    return(list(lo = NA_real_, hi = NA_real_, t = NA_real_, df = NA_real_, p = NA_real_))
  half <- qt(.975, n - 1) * s * sqrt(1 + 1 / n)
  t <- (v - m) / (s * sqrt((n + 1) / n))
  list(lo = m - half, hi = m + half, t = t, df = n - 1, p = 2 * pt(-abs(t), n - 1))
}

# ------------------------------------------------------------ analysis ----
analyze <- function(staff, form, units, self_scores, self_overall, by, min_n,
                    min_diff = 5, fdr = 0.05) {
  defs <- dim_defs(form)
  codes <- names(defs)
  scores <- sapply(defs, function(dd) dim_score(staff, dd))   # respondents x dims
  if (!is.matrix(scores)) scores <- matrix(scores, nrow = nrow(staff), dimnames = list(NULL, codes))
  group <- staff[[by]]
  group[group == ""] <- NA
  # CHOICE: a respondent with no answer to the --by item belongs to no group
  # (absent from group statistics, still in population figures and in the
  # pooled block of the between-group statistics). The fixture has no such
  # respondent, so the choice is not tested.

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
  # DESIGN 5: between-group statistics over the published blocks: each
  # shown group, and one block pooling the hidden groups with the
  # respondents in no group
  block <- ifelse(!is.na(group) & group %in% shown, group, "(pool)")

  # --- weak dimension: each score minus the respondent's mean over their
  # OTHER scored dimensions; respondents with no other scored dimension out
  nscored <- rowSums(!is.na(scores)); total <- rowSums(scores, na.rm = TRUE)
  # --- the gap rule's unit test: each staff member's mean over the
  # dimensions the self form shares (here: all)
  overall <- rowMeans(scores[, names(self_scores), drop = FALSE], na.rm = TRUE)

  dims_out <- list(); between <- list()
  for (code in codes) {
    dd <- defs[[code]]
    x <- scores[, code]; ok <- !is.na(x)
    ci <- tci(x[ok])

    # reliability on complete cases of the scored (reversed) items
    S <- scored_items(staff, dd)
    cc <- S[complete.cases(S), , drop = FALSE]
    Nc <- nrow(cc); k <- ncol(cc)
    rel <- list(alpha = NA_real_, std_alpha = NA_real_, average_r = NA_real_,
                alpha_ci_low = NA_real_, alpha_ci_high = NA_real_,
                alpha_n = if (k >= 2) Nc else NA_real_)   # one item: no alpha, no count
    r_drop <- a_drop <- rep(NA_real_, k)
    if (k >= 2) {
      a <- psych::alpha(as.data.frame(cc), check.keys = FALSE, warnings = FALSE)
      raw_alpha <- a$total$raw_alpha                     # psych::alpha raw_alpha
      C <- cov(cc)
      check(raw_alpha, k / (k - 1) * (1 - sum(diag(C)) / sum(C)), "raw alpha")
      # Feldt CI: qf(.975) > qf(.025), so the .975 quantile gives the LOW bound
      feldt <- 1 - (1 - raw_alpha) * qf(c(.975, .025), Nc - 1, (Nc - 1) * (k - 1))
      rel$alpha <- raw_alpha; rel$std_alpha <- a$total$std.alpha
      rel$average_r <- a$total$average_r
      rel$alpha_ci_low <- feldt[1]; rel$alpha_ci_high <- feldt[2]
      r_drop <- a$item.stats[, "r.drop"]                 # psych r.drop
      a_drop <- a$alpha.drop[, "raw_alpha"]              # psych alpha.drop
      for (j in seq_len(k))
        check(r_drop[j], cor(cc[, j], rowSums(cc[, -j, drop = FALSE])), "r.drop")
    }
    items <- lapply(seq_len(k), function(j) {
      v <- as.numeric(staff[[dd$items[j]]])              # as answered, before reversal
      list(name = dd$items[j], n = sum(!is.na(v)), mean = mean(v, na.rm = TRUE),
           sd = sd(v, na.rm = TRUE), r_drop = r_drop[j], alpha_if_dropped = a_drop[j])
    })

    # between-group statistics over the published blocks
    bg <- data.frame(score = x, g = block)[ok, ]
    bg$g <- factor(bg$g)
    G <- nlevels(bg$g); Ng <- nrow(bg); kk <- Ng / G
    fit <- aov(score ~ g, data = bg)                     # stats::aov
    tab <- summary(fit)[[1]]                             # summary(aov)
    dfB <- tab[1, "Df"]; dfW <- tab[2, "Df"]
    SSB <- tab[1, "Sum Sq"]; SSW <- tab[2, "Sum Sq"]; SST <- SSB + SSW
    MSB <- tab[1, "Mean Sq"]; MSW <- tab[2, "Mean Sq"]
    w <- tryCatch(oneway.test(score ~ g, data = bg, var.equal = FALSE),   # Welch ANOVA
                  error = function(e) NULL)
    kw <- kruskal.test(score ~ g, data = bg)             # Kruskal-Wallis, tie-corrected
    icc1 <- multilevel::ICC1(fit); icc2 <- multilevel::ICC2(fit)
    check(icc1, (MSB - MSW) / (MSB + (kk - 1) * MSW), "ICC1")
    check(icc2, (MSB - MSW) / MSB, "ICC2")
    tau2 <- max(0, (MSB - MSW) / kk)
    grand <- mean(x[ok])                                 # all respondents' scores
    between[[code]] <- list(MSW = MSW, tau2 = tau2, grand = grand)

    # weak dimension: one-sample t-test of d = score - mean of the others
    has_other <- ok & nscored >= 2
    d <- (x - (total - x) / (nscored - 1))[has_other]
    tt <- ttest(d)                                       # stats::t.test
    dims_out[[code]] <- c(list(
      code = code, label = dd$label, n = sum(ok), mean = mean(x[ok]), sd = sd(x[ok]),
      ci_low = ci[1], ci_high = ci[2]), rel, list(
      items = items,
      anova = list(f = tab[1, "F value"], df_between = dfB, df_within = dfW,
                   p = tab[1, "Pr(>F)"], eta2 = SSB / SST,
                   omega2 = max(0, (SSB - dfB * MSW) / (SST + MSW))),
      welch_anova = if (is.null(w) || !is.finite(w$statistic)) NULL else
                    list(f = unname(w$statistic), df_between = unname(w$parameter[1]),
                         df_within = unname(w$parameter[2]), p = w$p.value),
      kruskal = list(h = unname(kw$statistic), df = unname(kw$parameter), p = kw$p.value),
      icc1 = icc1, icc2 = icc2, blocks = G,
      deviation = if (any(has_other)) mean(d) else NA_real_,
      t = num(tt$statistic), p = num(tt$p.value)))
  }
  q <- p.adjust(sapply(dims_out, `[[`, "p"), "BH")       # BH across dimensions
  for (code in codes) {
    dims_out[[code]]$q <- unname(q[code])
    dims_out[[code]]$weak <- isTRUE(q[code] < fdr && dims_out[[code]]$deviation <= -min_diff)
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
    funnel <- if (!is.finite(se) || !(se > 0)) NA else
              if (m < b$grand - Z998 * se) "below_998" else
              if (m < b$grand - Z95 * se) "below_95" else
              if (m > b$grand + Z998 * se) "above_998" else
              if (m > b$grand + Z95 * se) "above_95" else "inside"
    # rwg(j): multilevel::rwg.j drops every row with any missing answer
    # (na.exclude on the whole item block) and takes one null variance;
    # DESIGN wants missing answers dropped per item and each item against
    # its own list's null variance (A^2-1)/12, so the formula is computed
    # here by hand: J = the items answered at least twice in the group,
    # S = mean over them of var(item)/null(item), truncated at 1,
    # rwg_j = J(1-S)/(J(1-S)+S).
    # CHOICE: every respondent of the group contributes the answers they
    # gave, also one whose dimension score is missing.
    X <- as.matrix(staff[ing, dd$items, drop = FALSE]); storage.mode(X) <- "double"
    vars <- apply(X, 2, function(col) if (sum(!is.na(col)) >= 2) var(col, na.rm = TRUE) else NA)
    ranvar <- (dd$A^2 - 1) / 12
    use <- !is.na(vars); J <- sum(use)
    Sv <- min(mean(vars[use] / ranvar[use]), 1)
    rwg <- if (J == 0) NA_real_ else J * (1 - Sv) / (J * (1 - Sv) + Sv)
    if (J == ncol(X) && J >= 2 && all(complete.cases(X)) && length(unique(dd$A)) == 1)  # rwg.j agrees
      check(rwg, multilevel::rwg.j(X, rep(1, nrow(X)), ranvar[1])$rwg.j, "rwg.j")
    tt <- ttest(xu, xo)                                  # Welch two-sample t.test
    cells[[length(cells) + 1]] <- list(group = gname, dim = code, xu = xu, s = list(
      n = n, mean = m, sd = sd(xu), ci_low = ci[1], ci_high = ci[2],
      shrunk = b$grand + B * (m - b$grand), rwg_j = rwg,
      diff = m - mean(xo), t = num(tt$statistic), df = num(tt$parameter),
      p = num(tt$p.value), funnel = funnel))
  }
  qc <- p.adjust(sapply(cells, function(c) c$s$p), "BH")   # all tested cells
  for (i in seq_along(cells)) {
    cells[[i]]$s$q <- qc[i]
    cells[[i]]$s$weak <- isTRUE(qc[i] < fdr && cells[[i]]$s$diff <= -min_diff)
  }

  groups_out <- lapply(names(cnt), function(gname) {
    g <- list(code = gname)
    if (by == "unit") g$name <- units$name[units$code == gname]
    g$suppressed <- unname(supp[gname])   # a suppressed group shows not even its n
    if (!supp[gname]) {
      g$n <- cnt[[gname]]
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
    # Holm over each unit's dimensions of the single-case p-values
    ph <- list()
    for (gname in shown) {
      ps <- sapply(Filter(function(c) c$group == gname, cells), function(c) {
        sv <- self_scores[[c$dim]][gname]
        if (is.null(sv) || is.na(sv)) return(c(NA_real_))
        setNames(single_case(c$xu, unname(sv))$p, c$dim)
      })
      ps <- unlist(ps); ph[[gname]] <- p.adjust(ps[!is.na(names(ps))], "holm")
    }
    for (c in cells) {
      sv <- self_scores[[c$dim]][c$group]
      if (is.null(sv) || is.na(sv)) next
      s <- c$s; gap <- unname(sv) - s$mean
      one <- single_case(c$xu, unname(sv))
      # the unit test guarding the flags: the self response's mean over its
      # dimensions against the staff's means over the same dimensions
      ing <- !is.na(group) & group == c$group
      os <- unname(self_overall[c$group])
      ov <- single_case(overall[ing & !is.nan(overall)], os)
      # flagged: outside the interval, at least min_diff away, and either
      # the whole profile outside its interval on the same side or the
      # dimension's test surviving Holm over the unit's dimensions
      p_holm <- unname(ph[[c$group]][c$dim])
      side <- sign(gap)
      profile <- !is.na(ov$p) && ov$p < .05 && sign(ov$t) == side
      alone <- !is.na(p_holm) && p_holm < .05
      outside <- !is.na(one$lo) && (if (side > 0) sv > one$hi else sv < one$lo)
      flag <- if (is.na(one$lo)) NA else
              if (outside && abs(gap) >= min_diff && (profile || alone))
                (if (side > 0) "overclaim" else "underclaim") else "consistent"
      gaps[[length(gaps) + 1]] <- list(unit = c$group, dimension = c$dim,
        self = unname(sv), staff = s$mean, staff_ci_low = s$ci_low,
        staff_ci_high = s$ci_high, gap = gap, staff_n = s$n, staff_sd = s$sd,
        pi_low = one$lo, pi_high = one$hi, t = one$t, df = one$df, p = one$p, p_holm = p_holm,
        overall_self = os, overall_staff = mean(overall[ing & !is.nan(overall)]),
        overall_t = ov$t, overall_p = ov$p, flag = flag)
    }
    out$gaps <- gaps
  }
  out$changes <- list()   # no --compare-wave
  out
}

# ---------------------------------------------------------------- main ----
write_json_file <- function(x, name) {
  txt <- jsonlite::toJSON(x, auto_unbox = TRUE, digits = I(15), na = "null",
                          null = "null", pretty = TRUE)
  writeLines(txt, file.path(dir, name))
  cat("wrote", file.path(dir, name), "\n")
}

# One fixture: its forms, units and responses (files named with prefix).
# The self score of a unit: POMP per dimension of its self response(s),
# scored like the staff form; and each response's mean over its scored
# dimensions (CHOICE: several self responses would be averaged).
fixture <- function(prefix) {
  rd <- function(f) read.csv(file.path(dir, paste0(prefix, f)), colClasses = "character",
                             na.strings = "", check.names = FALSE)
  staff_form <- read_xlsform(file.path(dir, paste0(prefix, "staff.csv")))
  self_form <- read_xlsform(file.path(dir, paste0(prefix, "self.csv")))
  staff_form$settings <- as.list(staff_form$settings[1, ])
  staff <- rd("staff-responses.csv")
  staff$level[is.na(staff$level)] <- ""
  self <- rd("self-responses.csv")
  sdefs <- dim_defs(self_form)
  sm <- sapply(sdefs, function(dd) dim_score(self, dd))
  if (!is.matrix(sm)) sm <- matrix(sm, nrow = nrow(self), dimnames = list(NULL, names(sdefs)))
  list(form = staff_form, units = rd("units.csv"), staff = staff,
       self_scores = lapply(setNames(names(sdefs), names(sdefs)), function(code)
         tapply(sm[, code], self$unit, mean, na.rm = TRUE)),
       self_overall = tapply(rowMeans(sm, na.rm = TRUE), self$unit, mean))
}
run <- function(fx, by, min_n)
  analyze(fx$staff, fx$form, fx$units, fx$self_scores, fx$self_overall, by, min_n)

main <- fixture("")
write_json_file(run(main, "unit", 5), "expected.json")
write_json_file(run(main, "unit", 4), "expected-min-n-4.json")
write_json_file(run(main, "level", 5), "expected-by-level.json")
write_json_file(run(fixture("edge-"), "unit", 5), "expected-edge.json")
