# ref.R -- the statistics of `gapsurvey analyze` as a researcher would script
# them in R, for the benchmark (bench/README.md).  Same definitions as
# shared DESIGN.md section 5 and tests/r/analyze_ref.R, on the plain CSV that
# bench/gen.py writes; the numbers are compared with gapsurvey's by
# bench/compare.py.
#
#   Rscript bench/ref.R DIR OUT.json      (DIR holds form.csv, responses.csv)
#
# Needs r-base-core, r-cran-psych, r-cran-multilevel, r-cran-jsonlite.
#
# One deviation from the list of functions in issue #8: stats::aov is not
# called.  With 2,000 units its design matrix has N x 2,000 doubles (16 GB at
# a million respondents) and its QR decomposition alone runs for hours, and
# oneway.test refuses groups of one respondent; the sums of squares are
# computed with tapply instead (F, df, p as summary(aov) gives them), and
# ICC(1), ICC(2) are taken from the same mean squares exactly as
# multilevel::ICC1 and ICC2 take them from an aov fit.  oneway.test's Welch
# ANOVA stops on a group with fewer than two scores: null then, as in
# gapsurvey.  multilevel::rwg.j drops every
# respondent with any missing item, DESIGN drops missing answers per item,
# so rwg(j) is written out with the same formula (as analyze_ref.R does).

suppressPackageStartupMessages({
  library(psych)
  library(multilevel)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
out <- args[2]
min_n <- 5; min_diff <- 5; fdr <- 0.05
Z95 <- 1.959964; Z998 <- 3.090232

# ---- the form: dimensions, their items, reverse flags (XLSForm CSV) ----
raw <- read.csv(file.path(dir, "form.csv"), header = FALSE, colClasses = "character",
                na.strings = character(0), fill = TRUE, col.names = paste0("V", 1:20),
                encoding = "UTF-8")
start <- which(raw$V1 != "")
sheet <- function(name) {
  i <- start[tolower(raw$V1[start]) == name]
  j <- min(c(start[start > i], nrow(raw) + 1))
  hdr <- unlist(raw[i + 1, -1]); keep <- hdr != ""
  body <- raw[(i + 2):(j - 1), -1, drop = FALSE][, keep, drop = FALSE]
  names(body) <- hdr[keep]
  body
}
survey <- sheet("survey")
dimcodes <- sheet("dimensions")$name
likert <- survey[survey$dimension != "", ]
rev_items <- likert$name[tolower(likert$reverse) == "yes"]
lo <- 1; hi <- 5                     # agree5: choices 1..5
A <- 5

t0 <- proc.time()
staff <- read.csv(file.path(dir, "responses.csv"), na.strings = "",
                  colClasses = c(unit = "character"))
t_read <- (proc.time() - t0)[["elapsed"]]

X <- as.matrix(staff[, likert$name]); storage.mode(X) <- "double"
S <- X
S[, rev_items] <- lo + hi - S[, rev_items]
unit <- staff$unit

# ---- scores: POMP of the mean of answered items, >= half answered ----
scores <- sapply(dimcodes, function(code) {
  s <- S[, likert$name[likert$dimension == code], drop = FALSE]
  k <- ncol(s); answered <- rowSums(!is.na(s))
  m <- rowMeans(s, na.rm = TRUE)
  ifelse(answered * 2 < k, NA_real_, 100 * (m - lo) / (hi - lo))
})
# weak dimension: each score against the mean of the respondent's OTHER
# scored dimensions (respondents with no other one left out)
nscored <- rowSums(!is.na(scores)); total <- rowSums(scores, na.rm = TRUE)

# ---- anonymity: groups under min_n, and the complementary one ----
cnt <- table(unit)
cnt <- setNames(as.integer(cnt), names(cnt))
supp <- cnt < min_n
if (any(supp) && sum(cnt[supp]) < min_n && any(!supp)) {
  rest <- cnt[!supp]
  supp[names(which.min(rest))] <- TRUE
}
shown <- sort(names(cnt)[!supp])
# between-group statistics over the published blocks: the shown units, and
# one block pooling the hidden ones (and anyone in no unit)
block <- ifelse(!is.na(unit) & unit %in% shown, unit, "(pool)")

dims <- list(); cells <- list()
for (code in dimcodes) {
  x <- scores[, code]; ok <- !is.na(x)
  items <- likert$name[likert$dimension == code]
  cc <- S[complete.cases(S[, items]), items, drop = FALSE]
  a <- psych::alpha(as.data.frame(cc), check.keys = FALSE, warnings = FALSE)
  bg <- data.frame(score = x[ok], g = factor(block[ok]))
  w <- tryCatch(oneway.test(score ~ g, data = bg, var.equal = FALSE),   # Welch
                error = function(e) list(statistic = NA, parameter = c(NA, NA), p.value = NA))
  kw <- kruskal.test(score ~ g, data = bg)
  gm <- tapply(bg$score, bg$g, mean); gn <- tapply(bg$score, bg$g, length)
  grand <- mean(bg$score)
  dfB <- length(gm) - 1; dfW <- nrow(bg) - length(gm)
  SSB <- sum(gn * (gm - grand)^2)
  SSW <- sum((bg$score - gm[as.character(bg$g)])^2)
  MSB <- SSB / dfB; MSW <- SSW / dfW
  Fa <- MSB / MSW
  kbar <- nrow(bg) / length(gm)
  icc1 <- (MSB - MSW) / (MSB + (kbar - 1) * MSW)            # multilevel::ICC1
  icc2 <- (MSB - MSW) / MSB                                 # multilevel::ICC2
  tau2 <- max(0, (MSB - MSW) / kbar)
  d <- (x - (total - x) / (nscored - 1))[ok & nscored >= 2]
  tt <- t.test(d)
  dims[[code]] <- list(code = code, n = sum(ok), mean = mean(x[ok]), sd = sd(x[ok]),
    alpha = a$total$raw_alpha, std_alpha = a$total$std.alpha, average_r = a$total$average_r,
    anova = list(f = Fa, df_between = dfB, df_within = dfW,
                 p = pf(Fa, dfB, dfW, lower.tail = FALSE), eta2 = SSB / (SSB + SSW)),
    welch_anova = list(f = unname(w$statistic), df_within = unname(w$parameter[2]),
                       p = w$p.value),
    kruskal = list(h = unname(kw$statistic), df = unname(kw$parameter), p = kw$p.value),
    icc1 = icc1, icc2 = icc2, deviation = mean(d), t = unname(tt$statistic),
    p = tt$p.value)

  ranvar <- (A^2 - 1) / 12
  for (g in shown) {
    ing <- unit == g
    xu <- x[ing & ok]; xo <- x[!ing & ok]
    n <- length(xu); m <- mean(xu)
    t2 <- t.test(xu, xo)                                    # Welch two-sample
    # J: the items answered at least twice in the unit (one list here)
    v <- apply(X[ing, items, drop = FALSE], 2, function(c) if (sum(!is.na(c)) >= 2) var(c, na.rm = TRUE) else NA)
    J <- sum(!is.na(v))
    Sv <- min(mean(v, na.rm = TRUE), ranvar)
    rwg <- J * (1 - Sv / ranvar) / (J * (1 - Sv / ranvar) + Sv / ranvar)
    B <- tau2 / (tau2 + MSW / n)
    cells[[length(cells) + 1]] <- list(unit = g, dimension = code, n = n, mean = m,
      diff = m - mean(xo), t = unname(t2$statistic), df = unname(t2$parameter),
      p = t2$p.value, rwg_j = rwg, shrunk = grand + B * (m - grand))
  }
}
q <- p.adjust(sapply(dims, `[[`, "p"), "BH")
for (code in dimcodes) dims[[code]]$q <- unname(q[code])
qc <- p.adjust(sapply(cells, `[[`, "p"), "BH")
for (i in seq_along(cells)) cells[[i]]$q <- qc[i]
t_all <- (proc.time() - t0)[["elapsed"]]

writeLines(jsonlite::toJSON(list(tool = "R", respondents = nrow(staff),
                                 read_seconds = t_read, total_seconds = t_all,
                                 dimensions = unname(dims), cells = cells),
                            auto_unbox = TRUE, digits = I(15), na = "null"), out)
