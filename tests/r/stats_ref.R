# stats_ref.R -- reference values for tests/unit/test_stats.c.
#
# The statistics module (analysis/stats.c) promises to agree with R to 1e-6
# relative.  This script builds small fixed datasets inline (unbalanced
# groups, ties, a 5-item and a 2-item scale, a missing-answer pattern) and
# prints every value the unit test asserts, with 15 significant digits,
# each line labelled with the exact R call that produced it.  The numbers
# were pasted into test_stats.c by hand; the C test never needs R.
#
# Run:  Rscript tests/r/stats_ref.R
# Needs: R (stats), psych, multilevel.  Produced with R 4.2.2, psych 2.2.9,
# multilevel 2.7.

suppressPackageStartupMessages({
  library(psych)
  library(multilevel)
})

out <- function(label, v) {
  cat(sprintf("%-64s %s\n", label,
              paste(sprintf("%.15g", as.numeric(unlist(v))), collapse = " ")))
}

# ---------------------------------------------------------------------------
# Dataset 1: respondent scores in four unbalanced groups, with ties within
# and across groups (used for t tests, ANOVA, Welch ANOVA, Kruskal-Wallis,
# ICC, accumulator merge/minus and the mean CI).
# ---------------------------------------------------------------------------
yA <- c(3, 5, 5, 7, 2, 6)
yB <- c(4, 8, 9, 9, 7)
yC <- c(1, 2, 2, 3)
yD <- c(5, 6, 5, 9, 4, 7, 8)
y  <- c(yA, yB, yC, yD)
g  <- factor(rep(c("A", "B", "C", "D"), c(6, 5, 4, 7)))
notA <- y[g != "A"]

cat("## accumulators\n")
out("mean(yA)", mean(yA))
out("var(yA)", var(yA))
out("sd(yA)", sd(yA))
out("mean(c(yA, yB))", mean(c(yA, yB)))
out("var(c(yA, yB))", var(c(yA, yB)))
out("mean(y[g != \"A\"])", mean(notA))
out("var(y[g != \"A\"])", var(notA))
out("t.test(yA)$conf.int", t.test(yA)$conf.int)
# one more draw: mean +- qt(.975, n-1) sd sqrt(1 + 1/n); Crawford & Howell
# (1998) t of a single case x = 10 against yA (singcar::TD gives the same)
out("mean(yA) + c(-1,1)*qt(.975,5)*sd(yA)*sqrt(1+1/6)",
    mean(yA) + c(-1, 1) * qt(.975, 5) * sd(yA) * sqrt(1 + 1 / 6))
ch <- (10 - mean(yA)) / (sd(yA) * sqrt(7 / 6))
out("Crawford-Howell t, p of 10 against yA", c(ch, 2 * pt(-abs(ch), 5)))
# t.test(c(4, 4, 4)): "data are essentially constant" -- no interval
out("t.test(yA, conf.level = 0.9)$conf.int", t.test(yA, conf.level = 0.9)$conf.int)

cat("## Welch t\n")
tt <- t.test(yA, notA)
out("t.test(yA, y[g != \"A\"])$statistic", tt$statistic)
out("t.test(yA, y[g != \"A\"])$parameter", tt$parameter)
out("t.test(yA, y[g != \"A\"])$p.value", tt$p.value)
tt <- t.test(yB, yC)
out("t.test(yB, yC)$statistic", tt$statistic)
out("t.test(yB, yC)$parameter", tt$parameter)
out("t.test(yB, yC)$p.value", tt$p.value)
# one sample has zero variance: still computable, df = n_other - 1
tt <- t.test(c(4, 4, 4), yC)
out("t.test(c(4, 4, 4), yC)$statistic", tt$statistic)
out("t.test(c(4, 4, 4), yC)$parameter", tt$parameter)
out("t.test(c(4, 4, 4), yC)$p.value", tt$p.value)

cat("## one-sample t\n")
d <- c(-3.2, 1.5, -0.7, -2.1, 0.4, -1.8, -2.6)
tt <- t.test(d)
out("t.test(d)$statistic", tt$statistic)
out("t.test(d)$parameter", tt$parameter)
out("t.test(d)$p.value", tt$p.value)
tt <- t.test(d, mu = -2)
out("t.test(d, mu = -2)$statistic", tt$statistic)
out("t.test(d, mu = -2)$p.value", tt$p.value)

cat("## Benjamini-Hochberg\n")
p <- c(0.01, NA, 0.04, 0.03, 0.04, NA, 0.2, 0.001, 0.03, 0.9)
out("p.adjust(p, \"BH\")  [NA printed as NA]", p.adjust(p, "BH"))
out("p.adjust(c(0.5), \"BH\")", p.adjust(c(0.5), "BH"))
out("p.adjust(p, \"holm\")  [NA printed as NA]", p.adjust(p, "holm"))

cat("## one-way ANOVA (dataset 1)\n")
s <- summary(aov(y ~ g))[[1]]
out("summary(aov(y ~ g))[[1]][\"g\", \"F value\"]", s[1, "F value"])
out("summary(aov(y ~ g))[[1]][\"g\", \"Pr(>F)\"]", s[1, "Pr(>F)"])
out("summary(aov(y ~ g))[[1]][, \"Df\"]", s[, "Df"])
out("summary(aov(y ~ g))[[1]][, \"Sum Sq\"]", s[, "Sum Sq"])
out("summary(aov(y ~ g))[[1]][, \"Mean Sq\"]", s[, "Mean Sq"])
ssb <- s[1, "Sum Sq"]; ssw <- s[2, "Sum Sq"]; msw <- s[2, "Mean Sq"]
out("eta2 = SSB/(SSB+SSW)", ssb / (ssb + ssw))
out("omega2 = max(0,(SSB-dfB*MSW)/(SSB+SSW+MSW))",
    max(0, (ssb - s[1, "Df"] * msw) / (ssb + ssw + msw)))
out("multilevel::ICC1(aov(y ~ g))", ICC1(aov(y ~ g)))
out("multilevel::ICC2(aov(y ~ g))", ICC2(aov(y ~ g)))

cat("## Welch ANOVA (dataset 1)\n")
w <- oneway.test(y ~ g)
out("oneway.test(y ~ g)$statistic", w$statistic)
out("oneway.test(y ~ g)$parameter", w$parameter)
out("oneway.test(y ~ g)$p.value", w$p.value)

cat("## Kruskal-Wallis (dataset 1, ties)\n")
k <- kruskal.test(y ~ g)
out("kruskal.test(y ~ g)$statistic", k$statistic)
out("kruskal.test(y ~ g)$parameter", k$parameter)
out("kruskal.test(y ~ g)$p.value", k$p.value)

# ---------------------------------------------------------------------------
# Dataset 2: three groups with nearly equal means, so SSB < dfB*MSW:
# omega2 is clamped to 0 and ICC(1), ICC(2) are negative.
# ---------------------------------------------------------------------------
y2 <- c(1, 5, 3,  2, 4, 3, 6,  5, 1, 2)
g2 <- factor(rep(c("a", "b", "c"), c(3, 4, 3)))
cat("## ANOVA (dataset 2, omega2 clamped)\n")
s <- summary(aov(y2 ~ g2))[[1]]
out("summary(aov(y2 ~ g2))[[1]][\"g2\", \"F value\"]", s[1, "F value"])
out("summary(aov(y2 ~ g2))[[1]][\"g2\", \"Pr(>F)\"]", s[1, "Pr(>F)"])
ssb <- s[1, "Sum Sq"]; ssw <- s[2, "Sum Sq"]; msw <- s[2, "Mean Sq"]
out("eta2 = SSB/(SSB+SSW)", ssb / (ssb + ssw))
out("(SSB-dfB*MSW)/(SSB+SSW+MSW) before max(0, .)",
    (ssb - s[1, "Df"] * msw) / (ssb + ssw + msw))
out("multilevel::ICC1(aov(y2 ~ g2))", ICC1(aov(y2 ~ g2)))
out("multilevel::ICC2(aov(y2 ~ g2))", ICC2(aov(y2 ~ g2)))
w <- oneway.test(y2 ~ g2)
out("oneway.test(y2 ~ g2)$statistic", w$statistic)
out("oneway.test(y2 ~ g2)$parameter", w$parameter)
out("oneway.test(y2 ~ g2)$p.value", w$p.value)
k <- kruskal.test(y2 ~ g2)
out("kruskal.test(y2 ~ g2)$statistic", k$statistic)
out("kruskal.test(y2 ~ g2)$p.value", k$p.value)

# ---------------------------------------------------------------------------
# Dataset 3: a 5-item, 5-point scale; rows 4 and 9 have a missing answer.
# gapsurvey computes reliability on complete cases, so psych::alpha is run
# on na.omit(d5) (psych's default would otherwise use pairwise covariances
# and count the incomplete rows in the Feldt N).
# ---------------------------------------------------------------------------
d5 <- data.frame(
  i1 = c(4, 5, 3, 4, 2, 5, 4, 3, 4, 5, 2, 3, 4),
  i2 = c(4, 4, 3, 5, 2, 5, 3, 3, NA, 4, 1, 3, 5),
  i3 = c(3, 5, 2, NA, 3, 4, 4, 2, 4, 5, 2, 2, 4),
  i4 = c(5, 4, 3, 4, 1, 5, 4, 4, 3, 4, 3, 3, 3),
  i5 = c(2, 3, 4, 3, 2, 4, 2, 3, 3, 5, 3, 1, 4))
cc5 <- na.omit(d5)
a <- suppressWarnings(psych::alpha(cc5))
cat("## psych::alpha, 5 items, complete cases\n")
out("nrow(na.omit(d5))", nrow(cc5))
out("cov(na.omit(d5))[1, ]", cov(cc5)[1, ])
out("psych::alpha(na.omit(d5))$total$raw_alpha", a$total$raw_alpha)
out("psych::alpha(na.omit(d5))$total$std.alpha", a$total$std.alpha)
out("psych::alpha(na.omit(d5))$total$average_r", a$total$average_r)
out("psych::alpha(na.omit(d5))$feldt$lower.ci", a$feldt$lower.ci)
out("psych::alpha(na.omit(d5))$feldt$upper.ci", a$feldt$upper.ci)
out("psych::alpha(na.omit(d5))$item.stats$r.drop", a$item.stats$r.drop)
out("psych::alpha(na.omit(d5))$alpha.drop$raw_alpha", a$alpha.drop$raw_alpha)

# Dataset 4: a 2-item scale.  For k = 2 psych does not compute an alpha of
# the remaining single item; its alpha.drop$raw_alpha for item i is
# C[1,2] / C[j,j] (j the item kept).  stats_alpha reproduces that.
d2 <- data.frame(
  a = c(3, 4, 2, 5, 4, 1, 3, 4),
  b = c(2, 4, 3, 5, 3, 2, 3, 5))
a <- suppressWarnings(psych::alpha(d2))
cat("## psych::alpha, 2 items\n")
out("psych::alpha(d2)$total$raw_alpha", a$total$raw_alpha)
out("psych::alpha(d2)$total$std.alpha", a$total$std.alpha)
out("psych::alpha(d2)$total$average_r", a$total$average_r)
out("psych::alpha(d2)$feldt$lower.ci", a$feldt$lower.ci)
out("psych::alpha(d2)$feldt$upper.ci", a$feldt$upper.ci)
out("psych::alpha(d2)$item.stats$r.drop", a$item.stats$r.drop)
out("psych::alpha(d2)$alpha.drop$raw_alpha", a$alpha.drop$raw_alpha)

# ---------------------------------------------------------------------------
# Dataset 5: rwg(j), 3 items on a 5-point list (ranvar = (25-1)/12 = 2),
# three groups.  Group "z" disagrees so strongly that its mean item variance
# exceeds 2, so rwg(j) = 0.
# ---------------------------------------------------------------------------
items <- data.frame(
  q1 = c(4, 4, 5, 4,   2, 3, 3, 2, 3,   1, 5, 1, 5),
  q2 = c(4, 5, 5, 4,   3, 3, 2, 2, 4,   5, 1, 5, 1),
  q3 = c(5, 4, 4, 4,   3, 2, 3, 3, 3,   1, 5, 2, 5))
grp <- rep(c("x", "y", "z"), c(4, 5, 4))
cat("## rwg.j\n")
r <- multilevel::rwg.j(items, grp, ranvar = 2)
out("multilevel::rwg.j(items, grp, ranvar=2)$rwg.j", r$rwg.j)
out("mean(apply(items[grp==\"z\",], 2, var))  (> 2)",
    mean(apply(items[grp == "z", ], 2, var)))

# DESIGN.md drops missing answers per item, but rwg.j() itself applies
# na.exclude() to the whole row first.  With a missing answer the two differ;
# both are printed so the C test can show stats_rwg_j matches either, given
# the matching mean item variance.
items_na <- items
items_na$q1[3] <- NA
r <- multilevel::rwg.j(items_na, grp, ranvar = 2)
out("multilevel::rwg.j(items_na, grp, ranvar=2)$rwg.j[1] (listwise)", r$rwg.j[1])
S <- mean(apply(items_na[grp == "x", ], 2, var, na.rm = TRUE))
out("per-item S = mean(apply(items_na[grp==\"x\",], 2, var, na.rm=TRUE))", S)
J <- 3; S <- min(S, 2)
out("rwg.j formula J*(1-S/2)/(J*(1-S/2)+S/2), per-item S", J * (1 - S / 2) / (J * (1 - S / 2) + S / 2))

# ---------------------------------------------------------------------------
# Contingency tables and rank correlation (test_chisq, test_spearman)
# ---------------------------------------------------------------------------
cat("## chisq.test, cor.test(method = \"spearman\")\n")
t1 <- matrix(c(12, 5, 9, 3, 14, 8), 2, byrow = TRUE); ct <- chisq.test(t1)
out("chisq.test(t1) statistic df p", c(ct$statistic, ct$parameter, ct$p.value))
out("min(chisq.test(t1)$expected)", min(ct$expected))
t2 <- matrix(c(20, 8, 6, 15), 2, byrow = TRUE); ct <- chisq.test(t2)
out("chisq.test(t2) statistic p (Yates)", c(ct$statistic, ct$p.value))
out("sqrt(chisq.test(t2, correct = FALSE)$statistic / n)", sqrt(chisq.test(t2, correct = FALSE)$statistic / sum(t2)))
sp <- function(label, x, y) {
  ct <- suppressWarnings(cor.test(x, y, method = "spearman"))
  out(label, c(ct$estimate, ct$p.value))
}
sp("spearman n7 (exact)", c(3, 1, 4, 1.5, 5, 9, 2.6), c(2, 7, 1, 8, 2.8, 1.8, 2.9))
sp("spearman n3 (exact)", c(3, 1, 4), c(1, 2, 3))
sp("spearman n12 (Edgeworth)", 1:12, c(2, 1, 4, 3, 6, 5, 8, 7, 10, 12, 9, 11))
sp("spearman ties (t)", c(1, 2, 2, 3, 4, 5, 5, 6), c(3, 1, 4, 1, 5, 9, 2, 6))
sp("spearman n9 reversed (exact)", 1:9, 9:1)
