# refs_lib.R -- what tests/r/validity_ref.R and validity_cli_ref.R share:
# the dimensions of an XLSForm, DESIGN.md's dimension scores, and the key
# drivers by their definitions (relaimpo is not packaged in Debian).
# Sourced from the repository root: source("tests/r/refs_lib.R").

# The Likert items of a pyxform one-file CSV that carry a dimension: their
# names, dimensions and reverse flags, in form order.
form_dims <- function(path) {
  raw <- read.csv(path, header = FALSE, colClasses = "character",
                  fill = TRUE, col.names = paste0("V", 1:20), encoding = "UTF-8")
  start <- which(tolower(raw$V1) == "survey")
  hdr <- unlist(raw[start + 1, -1])
  end <- start + 1 + which(raw$V1[(start + 2):nrow(raw)] != "")[1]
  body <- raw[(start + 2):(if (is.na(end)) nrow(raw) else end - 1), -1]
  names(body) <- hdr
  body <- body[body$dimension != "", ]
  list(items = body$name, dim = body$dimension,
       reverse = tolower(body$reverse) == "yes")
}

# DESIGN 5 scores of the scored items x (1..5, reverse items flipped):
# per dimension code the mean of the answered items as POMP, missing when
# fewer than half are answered.
pomp_scores <- function(x, dims, codes = unique(dims)) {
  sapply(codes, function(dc) {
    s <- x[, dims == dc, drop = FALSE]
    m <- 100 * (rowMeans(s, na.rm = TRUE) - 1) / 4
    ifelse(rowSums(!is.na(s)) * 2 < ncol(s), NA, m)
  })
}

# relaimpo::calc.relimp(type = c("lmg", "betasq", "first")) by definition,
# and Johnson's relative weights, for the first column of d on the others
# (complete cases).
drivers_values <- function(d) {
  y <- names(d)[1]; xs <- names(d)[-1]; k <- length(xs)
  r2 <- function(set) if (length(set) == 0) 0 else
    summary(lm(reformulate(set, y), data = d))$r.squared
  subsets <- unlist(lapply(0:k, function(s) combn(xs, s, simplify = FALSE)),
                    recursive = FALSE)
  key <- function(set) paste0("~", paste(set, collapse = "+"))
  R2 <- setNames(sapply(subsets, r2), sapply(subsets, key))
  lmg <- sapply(xs, function(v) {
    tot <- 0
    for (S in subsets) if (!(v %in% S)) {
      s <- length(S)
      w <- factorial(s) * factorial(k - s - 1) / factorial(k)
      with_v <- xs[xs %in% c(S, v)]       # subsets are stored in xs order
      tot <- tot + w * (R2[[key(with_v)]] - R2[[key(S)]])
    }
    tot
  })
  full <- lm(reformulate(xs, y), data = scale(d) |> as.data.frame())
  beta <- coef(full)[xs]
  rxy <- cor(d)[xs, y]
  # Johnson (2000) relative weights: Rxx = Q L Q', Lambda = Q L^1/2 Q',
  # beta* = Lambda^-1 rxy, eps_j = sum_k Lambda_jk^2 beta*_k^2
  Rxx <- cor(d[, xs]); e <- eigen(Rxx)
  Lam <- e$vectors %*% diag(sqrt(e$values)) %*% t(e$vectors)
  bstar <- solve(Lam, rxy)
  rw <- as.vector(Lam^2 %*% bstar^2)
  list(n = nrow(d), r2 = R2[[key(xs)]], lmg = unname(lmg), rw = rw,
       beta = unname(beta), r = unname(rxy))
}
