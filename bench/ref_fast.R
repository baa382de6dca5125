# ref_fast.R -- the core statistics of `gapsurvey analyze` in R written for
# speed (issue #22's "efficient R script"): one read of the CSV, then every
# per-unit quantity from group sums (rowsum), no loop over units.
#
#   Rscript bench/ref_fast.R DIR [OUT.json]   (DIR holds form.csv, responses.csv)
#
# Computes, per dimension: n, mean, SD and 95% CI of the POMP scores;
# Cronbach's alpha (psych::alpha's raw_alpha, by its closed formula from the
# covariance matrix of the complete cases: k/(k-1) (1 - tr C / sum C));
# one-way ANOVA F, eta^2, ICC(1) and ICC(2) from the between/within sums of
# squares over the published blocks (the shown units and one pooling the
# hidden ones, as bench/ref.R).  Per shown unit x dimension: n, mean, the
# difference from the rest, the Welch t of the unit against every other
# respondent with its df and p (vectorised over all units at once), the
# q-value (BH over all cells), rwg(j) (multilevel::rwg.j's formula, with
# missing answers dropped per item as DESIGN.md does; rwg.j itself drops
# whole respondents) and the shrunken mean.  Same definitions as
# bench/ref.R, whose output bench/compare.py checks; this one's JSON has the
# same shape, so compare.py checks it too.  The CSV is read with
# data.table::fread when installed (Debian r-cran-data.table), else with
# read.csv and colClasses.  Writing OUT.json is part of the run (analyze
# --json writes its JSON too).

fast_read <- requireNamespace("data.table", quietly = TRUE)
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
out <- if (length(args) >= 2) args[2] else NA
min_n <- 5
Z95 <- 1.959964

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
lo <- 1; hi <- 5; A <- 5              # agree5: choices 1..5

# ---- the responses: the unit and the Likert items only ----
t0 <- proc.time()
cols <- c("unit", likert$name)
if (fast_read) {
  staff <- data.table::fread(file.path(dir, "responses.csv"), select = cols,
                             colClasses = list(character = "unit"), na.strings = "",
                             encoding = "UTF-8", showProgress = FALSE)
  unit <- staff$unit
  X <- as.matrix(staff[, likert$name, with = FALSE])
} else {
  hdr <- names(read.csv(file.path(dir, "responses.csv"), nrows = 1, check.names = FALSE))
  cc <- rep("NULL", length(hdr)); names(cc) <- hdr
  cc[likert$name] <- "integer"; cc["unit"] <- "character"
  staff <- read.csv(file.path(dir, "responses.csv"), na.strings = "", colClasses = cc,
                    check.names = FALSE)
  unit <- staff$unit
  X <- as.matrix(staff[, likert$name])
}
storage.mode(X) <- "double"
rev <- tolower(likert$reverse) == "yes"
S <- X
S[, rev] <- lo + hi - S[, rev]
N <- nrow(X)

# ---- shown units (min_n and the complementary rule), blocks ----
cnt <- table(unit)
cnt <- setNames(as.integer(cnt), names(cnt))
supp <- cnt < min_n
if (any(supp) && sum(cnt[supp]) < min_n && any(!supp)) {
  rest <- cnt[!supp]
  supp[names(which.min(rest))] <- TRUE
}
shown <- sort(names(cnt)[!supp])
ug <- match(unit, shown)                      # NA: hidden or no unit
block <- ifelse(is.na(ug), length(shown) + 1L, ug)
G <- length(shown)

# per unit x item sums for rwg(j): count, sum, sum of squares (one pass)
present <- !is.na(X)
X0 <- X; X0[!present] <- 0
inu <- !is.na(ug)
item_n <- rowsum(present[inu, , drop = FALSE] + 0, ug[inu], reorder = TRUE)
item_s <- rowsum(X0[inu, , drop = FALSE], ug[inu], reorder = TRUE)
item_q <- rowsum(X0[inu, , drop = FALSE]^2, ug[inu], reorder = TRUE)
item_v <- (item_q - item_s^2 / item_n) / (item_n - 1)
item_v[item_n < 2] <- NA
ranvar <- (A^2 - 1) / 12

dims <- vector("list", length(dimcodes)); cells <- vector("list", length(dimcodes))
for (di in seq_along(dimcodes)) {
  code <- dimcodes[di]
  items <- likert$name[likert$dimension == code]
  s <- S[, items, drop = FALSE]; k <- ncol(s)
  answered <- rowSums(!is.na(s))
  m <- rowSums(s, na.rm = TRUE) / answered
  x <- ifelse(answered * 2 < k, NA_real_, 100 * (m - lo) / (hi - lo))
  ok <- !is.na(x)
  xo <- x[ok]; n <- length(xo); mu <- mean(xo); sdv <- sd(xo)
  se <- sdv / sqrt(n)
  # alpha: closed formula on the complete cases' covariance matrix
  C <- cov(s[complete.cases(s), , drop = FALSE])
  alpha <- k / (k - 1) * (1 - sum(diag(C)) / sum(C))
  # group sums, centred on the grand mean (no cancellation)
  d <- xo - mu
  gsum <- rowsum(cbind(1, d, d * d), block[ok], reorder = TRUE)
  gn <- gsum[, 1]; g1 <- gsum[, 2]; g2 <- gsum[, 3]
  gm <- g1 / gn                                   # block mean - grand mean
  SSB <- sum(gn * gm^2); SSW <- sum(g2 - g1 * gm)
  dfB <- length(gn) - 1; dfW <- n - length(gn)
  MSB <- SSB / dfB; MSW <- SSW / dfW; Fa <- MSB / MSW
  kbar <- n / length(gn)
  tau2 <- max(0, (MSB - MSW) / kbar)
  dims[[di]] <- list(code = code, n = n, mean = mu, sd = sdv,
    ci_low = mu - Z95 * se, ci_high = mu + Z95 * se, alpha = alpha,
    anova = list(f = Fa, df_between = dfB, df_within = dfW,
                 p = pf(Fa, dfB, dfW, lower.tail = FALSE), eta2 = SSB / (SSB + SSW)),
    icc1 = (MSB - MSW) / (MSB + (kbar - 1) * MSW), icc2 = (MSB - MSW) / MSB)
  # vectorised Welch t of each shown unit against everyone else
  sh <- as.integer(rownames(gsum)) <= G
  un <- gn[sh]; u1 <- g1[sh]; u2 <- g2[sh]
  on <- n - un; o1 <- sum(d) - u1; o2 <- sum(d * d) - u2
  um <- u1 / un; om <- o1 / on
  uv <- (u2 - u1 * um) / (un - 1); ov <- (o2 - o1 * om) / (on - 1)
  a <- uv / un; b <- ov / on
  tw <- (um - om) / sqrt(a + b)
  dfw <- (a + b)^2 / (a^2 / (un - 1) + b^2 / (on - 1))
  # rwg(j): J items answered at least twice in the unit, their mean variance
  v <- item_v[, items, drop = FALSE]
  J <- rowSums(!is.na(v))
  Sv <- pmin(rowMeans(v, na.rm = TRUE), ranvar)
  rwg <- J * (1 - Sv / ranvar) / (J * (1 - Sv / ranvar) + Sv / ranvar)
  ids <- as.integer(rownames(gsum))[sh]
  B <- tau2 / (tau2 + MSW / un)
  cells[[di]] <- data.frame(unit = shown[ids], dimension = code, n = un, mean = mu + um,
    diff = um - om, t = tw, df = dfw, p = 2 * pt(-abs(tw), dfw), rwg_j = rwg[ids],
    shrunk = mu + B * um, stringsAsFactors = FALSE)
}
cells <- do.call(rbind, cells)
cells$q <- p.adjust(cells$p, "BH")
t_all <- (proc.time() - t0)[["elapsed"]]

if (!is.na(out)) {
  writeLines(jsonlite::toJSON(list(tool = "R (ref_fast)", respondents = N,
                                   reader = if (fast_read) "data.table::fread" else "read.csv",
                                   total_seconds = t_all, dimensions = dims, cells = cells),
                              auto_unbox = TRUE, digits = I(15), na = "null",
                              dataframe = "rows"), out)
}
