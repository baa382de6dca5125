# items_ref.R -- reference values for `gapsurvey analyze --items`,
# `--crosstab A,B`, the self-assessment's points (points, points_vs_staff)
# and `--by category`, computed in R on the fixture made by
# tests/fixtures/rcheck/make_items.R. tests/cli/rcheck.sh imports the same
# data, runs analyze --json and compares with tests/cli/json_close.py
# (relative tolerance 1e-6).
#
# Usage (from the repository root):  Rscript tests/r/items_ref.R [FIXTURE_DIR]
# Needs: r-base-core r-cran-jsonlite.
# Writes into FIXTURE_DIR (default tests/fixtures/rcheck):
#   expected-items.json            analyze --form items-staff --items --json
#   expected-items-min-n-20.json   the same with --min-n 20 (points: exact p)
#   expected-items-x-*.json        analyze --form items-staff --crosstab A,B --json
#   expected-items-by-category.json  analyze --form items-staff --by category --json
#   expected-items-by-parent.json    analyze --form items-staff --by parent --json
#
# What R does here is what DESIGN.md section 5 and analysis/crosstab.c
# state: groups under min_n hidden with their complement; in a crosstab
# cells of 1..min_n-1 hidden, every cell of a row or column that small,
# then the smallest further cell of any row or column with one hidden cell
# or hidden cells summing under min_n, until none; the test over the table
# with the rows (or columns, when that leaves more df) holding a hidden
# cell merged, empty lines dropped, as chisq.test(); Spearman as
# cor.test(method = "spearman").  The engine's further differencing
# defence hides nothing more on this data (the test would fail if it did).

suppressPackageStartupMessages(library(jsonlite))
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args) >= 1) args[1] else "tests/fixtures/rcheck"
fx <- function(f) file.path(dir, f)

read_sheets <- function(path) {
  raw <- read.csv(path, header = FALSE, colClasses = "character", na.strings = character(0),
                  fill = TRUE, col.names = paste0("V", 1:20), encoding = "UTF-8")
  sheets <- list(); i <- 1
  while (i <= nrow(raw)) {
    name <- tolower(raw$V1[i]); hdr <- unlist(raw[i + 1, -1]); keep <- hdr != ""
    j <- i + 2
    while (j <= nrow(raw) && raw$V1[j] == "") j <- j + 1
    body <- raw[seq_len(j - i - 2) + i + 1, -1, drop = FALSE][, keep, drop = FALSE]
    names(body) <- hdr[keep]
    sheets[[name]] <- body
    i <- j
  }
  sheets
}

form <- read_sheets(fx("items-staff.csv"))
sform <- read_sheets(fx("items-self.csv"))
units <- read.csv(fx("items-units.csv"), colClasses = "character", na.strings = "")
staff <- read.csv(fx("items-staff-responses.csv"), colClasses = "character", na.strings = "")
self <- read.csv(fx("items-self-responses.csv"), colClasses = "character", na.strings = "")
S <- form$survey; CH <- form$choices
choices <- function(l) CH[CH$list_name == l, ]
dims <- form$dimensions$name
codes <- units$code

# ---- groups: min_n and its complement (suppress_small) ----
hidden_set <- function(n, min_n, outside = 0) {   # outside: respondents in no group
  h <- n > 0 & n < min_n
  pool <- sum(n[h]) + outside
  if ((any(h) && pool < min_n) || (sum(h) == 1 && outside == 0)) {
    cand <- which(!h & n > 0)
    if (length(cand)) h[cand[which.min(n[cand])]] <- TRUE
  }
  h
}
unit_n <- table(factor(staff$unit, levels = codes))
n_of <- setNames(as.numeric(unit_n), codes)

# ---- scores (POMP per item, mean over answered, missing under half) ----
item_pomp <- function(x, rev) { v <- as.numeric(x); if (rev) v <- 6 - v; 100 * (v - 1) / 4 }
dim_score <- function(d, s = S, data = staff) {
  it <- s[s$dimension == d, ]
  m <- sapply(seq_len(nrow(it)), function(k) item_pomp(data[[it$name[k]]], tolower(it$reverse[k]) == "yes"))
  ok <- rowSums(!is.na(m)); sc <- rowMeans(m, na.rm = TRUE)
  sc[ok * 2 < ncol(m)] <- NA
  sc
}
scores <- sapply(dims, dim_score)

# ---- every question counted ----
qtypes <- c("select_one", "select_multiple", "integer", "decimal", "text")
asked <- function(name) {
  if (name == "why") return(!is.na(staff$party) & staff$party == "no")
  rep(TRUE, nrow(staff))
}
q7 <- function(x, p) unname(quantile(x, p, type = 7))
qstat <- function(q, rows, all) {
  type <- sub(" .*", "", q$type); x <- staff[[q$name]][rows]; a <- asked(q$name)[rows]
  ans <- !is.na(x) & x != ""
  out <- list(n = sum(ans), not_answered = sum(!ans & a), not_applicable = sum(!ans & !a))
  if (type %in% c("select_one", "select_multiple")) {
    ch <- choices(sub("^select_[a-z]+ ", "", q$type))
    cnt <- if (type == "select_one") sapply(ch$name, function(c) sum(x[ans] == c))
           else sapply(ch$name, function(c) sum(sapply(strsplit(x[ans], " "), function(t) c %in% t)))
    out$counts <- as.list(setNames(as.numeric(cnt), ch$name))
    out$percent <- as.list(setNames(100 * as.numeric(cnt) / out$n, ch$name))
    if (all(!is.na(suppressWarnings(as.numeric(ch$name))))) {
      v <- as.numeric(x[ans]); out$mean <- mean(v); out$sd <- sd(v)
    }
  } else if (type %in% c("integer", "decimal")) {
    v <- as.numeric(x[ans]); out$mean <- mean(v); out$sd <- sd(v)
    if (all) {
      out$min <- min(v); out$q1 <- q7(v, .25); out$median <- q7(v, .5); out$q3 <- q7(v, .75)
      out$max <- max(v)
    }
  }
  out
}
questions <- function(hidden) {
  qs <- S[sub(" .*", "", S$type) %in% qtypes, ]
  lapply(seq_len(nrow(qs)), function(k) {
    q <- qs[k, ]
    e <- c(list(name = q$name, type = sub(" .*", "", q$type)), qstat(q, rep(TRUE, nrow(staff)), TRUE))
    if (q$name == "unit") {   # the unit question: group sizes, hidden ones not given
      e$grouping <- TRUE
      for (u in codes[hidden]) e$counts[[u]] <- e$percent[[u]] <- NA
      e$groups <- list()
      return(e)
    }
    e$grouping <- FALSE
    e$groups <- lapply(codes[!hidden & n_of > 0], function(u)
      c(list(group = u), qstat(q, staff$unit == u, FALSE)))
    e
  })
}

# ---- points ----
SS <- sform$survey
pts_items <- SS[SS$points != "", ]
unit_points <- function(u, d) {
  r <- self[self$unit == u, ]; b <- 0; de <- 0
  for (k in which(pts_items$dimension == d)) {
    it <- pts_items[k, ]; v <- r[[it$name]]; p <- as.numeric(it$points)
    times <- if (grepl("^select_one", it$type)) as.numeric(!is.na(v) && v == "yes") else as.numeric(v)
    val <- times * p
    if (val > 0) b <- b + val else de <- de - val
  }
  c(bonus = b, deduction = de, net = b - de)
}
points <- function(hidden) {
  shown <- codes[!hidden & n_of > 0 & codes %in% self$unit]
  pdims <- dims[dims %in% pts_items$dimension]
  pts <- list(); pvs <- list()
  for (d in pdims) {
    net <- c(); staffm <- c()
    for (u in shown) {
      v <- unit_points(u, d)
      pts[[length(pts) + 1]] <- list(unit = u, dimension = d, bonus = v[["bonus"]],
                                     deduction = v[["deduction"]], net = v[["net"]], responses = 1)
      net <- c(net, v[["net"]]); staffm <- c(staffm, mean(scores[staff$unit == u, d], na.rm = TRUE))
    }
    ct <- suppressWarnings(cor.test(net, staffm, method = "spearman"))
    ties <- length(unique(net)) < length(net) || length(unique(staffm)) < length(staffm)
    method <- if (ties) "t" else if (length(net) <= 9) "exact" else "edgeworth"
    pvs[[length(pvs) + 1]] <- list(dimension = d, spearman = unname(ct$estimate), p = ct$p.value,
                                   units = length(net), method = method)
  }
  list(points = pts, points_vs_staff = pvs)
}

# the groups: suppressed flags and each shown unit's item means (as answered)
lik <- S$name[S$dimension != ""]
groups <- function(hidden) {
  lapply(codes[n_of > 0], function(u) {
    if (hidden[codes == u]) return(list(code = u, suppressed = TRUE))
    rows <- staff$unit == u
    list(code = u, suppressed = FALSE, n = sum(rows),
         item_means = as.list(setNames(sapply(lik, function(i) mean(as.numeric(staff[[i]][rows]), na.rm = TRUE)),
                                       lik)))
  })
}

analysis <- function(min_n) {
  hidden <- hidden_set(as.numeric(n_of), min_n)
  c(list(min_n = min_n, respondents = nrow(staff), groups = groups(hidden), questions = questions(hidden)),
    points(hidden))
}

# ---- crosstabs ----
hide_cells <- function(t, min_n) {
  h <- matrix(FALSE, nrow(t), ncol(t))
  rs <- rowSums(t); cs <- colSums(t)
  h[rs > 0 & rs < min_n, ] <- TRUE
  h[, cs > 0 & cs < min_n] <- TRUE
  h[t > 0 & t < min_n] <- TRUE
  repeat {
    changed <- FALSE
    for (by_col in c(FALSE, TRUE)) {
      for (i in seq_len(if (by_col) ncol(t) else nrow(t))) {
        v <- if (by_col) t[, i] else t[i, ]; hh <- if (by_col) h[, i] else h[i, ]
        if (any(hh) && (sum(hh) == 1 || sum(v[hh]) < min_n) && any(!hh)) {
          cand <- which(!hh)
          nz <- cand[v[cand] > 0]
          pick <- if (length(nz)) nz[which.min(v[nz])] else cand[1]
          if (by_col) h[pick, i] <- TRUE else h[i, pick] <- TRUE
          changed <- TRUE
        }
      }
    }
    if (!changed) break
  }
  h
}
collapse <- function(t, h, by_col) {
  if (by_col) { t <- t(t); h <- t(h) }
  hid <- apply(h, 1, any)
  m <- t[!hid, , drop = FALSE]
  if (any(hid)) m <- rbind(m, colSums(t[hid, , drop = FALSE]))
  m <- m[rowSums(m) > 0, , drop = FALSE]
  m[, colSums(m) > 0, drop = FALSE]
}
xcat <- function(spec) {
  if (spec == "unit") return(list(levels = codes, x = staff$unit))
  q <- S[S$name == spec, ]
  list(levels = choices(sub("^select_one ", "", q$type))$name, x = staff[[spec]])
}
crosstab <- function(a, b, min_n = 5) {
  A <- xcat(a); B <- xcat(b)
  ok <- !is.na(A$x) & !is.na(B$x)
  t <- unclass(table(factor(A$x[ok], A$levels), factor(B$x[ok], B$levels)))
  dimnames(t) <- NULL
  if (a == "unit") {   # shown units, then the hidden ones pooled
    hid <- hidden_set(as.numeric(n_of), min_n)
    keep <- !hid & n_of > 0
    t <- rbind(t[keep, , drop = FALSE], colSums(t[!keep, , drop = FALSE]))
    if (sum(t[nrow(t), ]) == 0) t <- t[-nrow(t), , drop = FALSE]
  }
  h <- hide_cells(t, min_n)
  out <- list(rows = a, cols = b, row_totals = rowSums(t), col_totals = colSums(t), n = sum(t),
              suppressed_cells = sum(h))
  tab <- t; tab[h] <- NA
  out$table <- tab
  tries <- if (any(h)) list(collapse(t, h, FALSE), collapse(t, h, TRUE)) else list(collapse(t, h, FALSE))
  dfs <- sapply(tries, function(m) if (nrow(m) > 1 && ncol(m) > 1) (nrow(m) - 1) * (ncol(m) - 1) else 0)
  pick <- if (length(tries) == 2 && dfs[2] > dfs[1]) 2 else 1
  m <- tries[[pick]]
  out$pooled <- if (!any(h)) NA else c("rows", "columns")[pick]
  if (nrow(m) > 1 && ncol(m) > 1) {
    ct <- suppressWarnings(chisq.test(m))
    raw <- suppressWarnings(chisq.test(m, correct = FALSE))$statistic
    out$chisq <- unname(ct$statistic); out$df <- unname(ct$parameter); out$p <- ct$p.value
    out$cramers_v <- unname(sqrt(raw / (sum(m) * (min(dim(m)) - 1))))
    out$min_expected <- min(ct$expected); out$expected_below_5 <- sum(ct$expected < 5)
    out$yates <- all(dim(m) == 2)
  } else {
    out$chisq <- NA
  }
  list(crosstab = out)
}

# ---- by category or parent: a group is every unit sharing it (a parent's
# own staff are in no group, as the units of no category) ----
by_set <- function(col, min_n = 5) {
  set_of <- setNames(units[[col]], units$code)[staff$unit]
  set_of[is.na(set_of) | set_of == ""] <- NA
  sets <- sort(unique(set_of[!is.na(set_of)]))
  n <- sapply(sets, function(c) sum(set_of == c, na.rm = TRUE))
  hid <- hidden_set(n, min_n, sum(is.na(set_of)))
  list(group_by = col, groups = lapply(seq_along(sets), function(k) {
    if (hid[k]) return(list(code = sets[k], suppressed = TRUE))
    rows <- !is.na(set_of) & set_of == sets[k]
    list(code = sets[k], suppressed = FALSE, n = sum(rows),
         scores = setNames(lapply(dims, function(d) {
           v <- scores[rows, d]; v <- v[!is.na(v)]
           list(n = length(v), mean = mean(v), sd = sd(v))
         }), dims))
  }))
}

write_json_file <- function(x, name) {
  txt <- jsonlite::toJSON(x, auto_unbox = TRUE, digits = I(15), na = "null", null = "null")
  writeLines(jsonlite::prettify(txt, indent = 1), fx(name))
}
write_json_file(analysis(5), "expected-items.json")
write_json_file(analysis(20), "expected-items-min-n-20.json")
write_json_file(crosstab("level", "party"), "expected-items-x-level-party.json")
write_json_file(crosstab("level", "p1"), "expected-items-x-level-p1.json")
write_json_file(crosstab("party", "mgr"), "expected-items-x-party-mgr.json")
write_json_file(crosstab("unit", "level"), "expected-items-x-unit-level.json")
write_json_file(by_set("category"), "expected-items-by-category.json")
write_json_file(by_set("parent"), "expected-items-by-parent.json")
