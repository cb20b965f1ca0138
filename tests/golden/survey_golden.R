# Reference values for tests/analysis: R's `survey` (Lumley) and `psych` (Revelle).
#
# Re-run by hand from the repository root when an estimator changes (CI has no R; the tests
# only read the stored outputs):
#
#     Rscript tests/golden/survey_golden.R
#
# Writes tests/golden/data/*.csv (the public datasets shipped with R/survey/psych) and
# tests/golden/survey_results.csv, a long table: case, domain, level, stat, value.
suppressPackageStartupMessages({
  library(survey)
  library(psych)
})
options(digits = 15)
here <- "tests/golden"
dir.create(file.path(here, "data"), showWarnings = FALSE, recursive = TRUE)

data(api)
data(nhanes)
data(bfi)
write.csv(apistrat[, c("cds", "stype", "dnum", "pw", "fpc", "api00", "api99", "enroll",
                       "sch.wide", "comp.imp", "awards", "yr.rnd", "meals")],
          file.path(here, "data", "apistrat.csv"), row.names = FALSE)
write.csv(apiclus1[, c("cds", "stype", "dnum", "pw", "fpc", "api00", "api99", "enroll",
                       "sch.wide", "comp.imp", "awards", "yr.rnd", "meals")],
          file.path(here, "data", "apiclus1.csv"), row.names = FALSE)
nh <- nhanes
nh$agecat <- as.character(nh$agecat)
write.csv(nh, file.path(here, "data", "nhanes.csv"), row.names = FALSE)
bfi_a <- bfi[complete.cases(bfi[, c("A2", "A3", "A4", "A5")]), c("A2", "A3", "A4", "A5")]
write.csv(bfi_a, file.path(here, "data", "bfi_agreeableness.csv"), row.names = FALSE)

rows <- list()
put <- function(case, stat, value, domain = "", level = "") {
  rows[[length(rows) + 1]] <<- data.frame(case = case, domain = as.character(domain),
                                          level = as.character(level), stat = stat,
                                          value = as.numeric(value))
}
put_stat <- function(case, est, df, domain = "", level = NULL) {
  ci <- confint(est, df = df)
  lv <- if (is.null(level)) names(coef(est)) else level
  put(case, "estimate", coef(est), domain, lv)
  put(case, "se", SE(est), domain, lv)
  put(case, "ci_low", ci[, 1], domain, lv)
  put(case, "ci_high", ci[, 2], domain, lv)
  if (!is.null(attr(est, "deff"))) put(case, "deff", diag(as.matrix(attr(est, "deff"))), domain, lv)
}
# Estimates by domain, each domain as a subset design (degrees of freedom of the subset).
put_by <- function(case, formula, by, design, fun, ...) {
  values <- design$variables[[by]]
  for (d in sort(unique(as.character(values[!is.na(values)])))) {
    sub <- subset(design, as.character(values) == d)
    est <- fun(formula, sub, deff = "replace", ...)
    put_stat(case, est, degf(sub), d)
  }
}
put_ciprop <- function(case, formula, design, methods = c("logit", "xlogit", "beta", "asin", "mean"),
                       domain = "") {
  for (m in methods) {
    est <- svyciprop(formula, design, method = m)
    put(paste0(case, "_", m), "estimate", coef(est), domain)
    put(paste0(case, "_", m), "ci_low", confint(est)[1], domain)
    put(paste0(case, "_", m), "ci_high", confint(est)[2], domain)
  }
  # Wilson with the effective sample size (Kott & Carr 1997): no survey function exists,
  # so the interval is computed here from svymean's standard error, by its formula.
  est <- svymean(formula, design)
  last <- length(coef(est))  # the TRUE column of a logical
  p <- unname(coef(est))[last]
  n <- p * (1 - p) / unname(SE(est))[last]^2
  t <- qt(0.975, degf(design))
  centre <- (p + t^2 / (2 * n)) / (1 + t^2 / n)
  half <- t / (1 + t^2 / n) * sqrt(p * (1 - p) / n + t^2 / (4 * n^2))
  put(paste0(case, "_wilson"), "ci_low", centre - half, domain)
  put(paste0(case, "_wilson"), "ci_high", centre + half, domain)
}
put_chisq <- function(case, formula, design) {
  for (s in c("F", "Chisq")) {
    test <- svychisq(formula, design, statistic = s)
    put(paste0(case, "_", s), "statistic", test$statistic)
    put(paste0(case, "_", s), "p_value", test$p.value)
    put(paste0(case, "_", s), "df1", test$parameter[1])
    if (s == "F") put(paste0(case, "_", s), "df2", test$parameter[2])
  }
}

# ---- apistrat: stratified element sample with fpc --------------------------------------
dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat)
put_stat("strat_mean_api00", svymean(~api00, dstrat, deff = "replace"), degf(dstrat))
put_stat("strat_total_enroll", svytotal(~enroll, dstrat, deff = "replace"), degf(dstrat))
put_stat("strat_prop_awards", svymean(~awards, dstrat, deff = "replace"), degf(dstrat),
         level = c("No", "Yes"))
put_stat("strat_count_awards", svytotal(~awards, dstrat, deff = "replace"), degf(dstrat),
         level = c("No", "Yes"))
put_ciprop("strat_ciprop", ~I(sch.wide == "Yes"), dstrat)
put_by("strat_by_mean_api00", ~api00, "awards", dstrat, svymean)
put_by("strat_by_total_enroll", ~enroll, "awards", dstrat, svytotal)
for (d in c("No", "Yes")) {
  put_ciprop("strat_by_ciprop", ~I(sch.wide == "Yes"), subset(dstrat, awards == d), domain = d)
}
put_chisq("strat_chisq", ~sch.wide + comp.imp, dstrat)
by_mean <- svyby(~api00, ~yr.rnd, dstrat, svymean, covmat = TRUE)
diff <- svycontrast(by_mean, list(diff = c(-1, 1)))
put("strat_diff_api00_yr.rnd", "estimate", coef(diff))
put("strat_diff_api00_yr.rnd", "se", SE(diff))
trimmed <- trimWeights(dstrat, upper = 40, lower = 16, strict = TRUE)
put("strat_trim_weights", "weight", weights(trimmed), level = apistrat$cds)

# ---- apiclus1: one-stage cluster sample of districts with fpc ---------------------------
dclus1 <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)
put_stat("clus_mean_api00", svymean(~api00, dclus1, deff = "replace"), degf(dclus1))
put_stat("clus_total_enroll", svytotal(~enroll, dclus1, deff = "replace"), degf(dclus1))
put_stat("clus_prop_stype", svymean(~stype, dclus1, deff = "replace"), degf(dclus1),
         level = c("E", "H", "M"))
put_ciprop("clus_ciprop", ~I(sch.wide == "Yes"), dclus1)
put_by("clus_by_mean_api00", ~api00, "stype", dclus1, svymean)
put_by("clus_by_prop_awards", ~awards, "stype", dclus1, svymean)
for (d in c("E", "H", "M")) {
  put_ciprop("clus_by_ciprop", ~I(sch.wide == "Yes"), subset(dclus1, stype == d), domain = d)
}
put_chisq("clus_chisq", ~sch.wide + stype, dclus1)
by_prop <- svyby(~as.numeric(sch.wide == "Yes"), ~awards, dclus1, svymean, covmat = TRUE)
diff <- svycontrast(by_prop, list(diff = c(-1, 1)))
put("clus_diff_schwide_awards", "estimate", coef(diff))
put("clus_diff_schwide_awards", "se", SE(diff))

pop_types <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
pop_schwide <- data.frame(sch.wide = c("No", "Yes"), Freq = c(1072, 5122))
raked <- rake(dclus1, list(~stype, ~sch.wide), list(pop_types, pop_schwide),
              control = list(maxit = 200, epsilon = 1e-12))
put("clus_rake_weights", "weight", weights(raked), level = apiclus1$cds)
post <- postStratify(dclus1, ~stype, pop_types)
put("clus_poststratify_weights", "weight", weights(post), level = apiclus1$cds)

# ---- nhanes: stratified two-PSU-per-stratum design, missing values ----------------------
dnh <- svydesign(id = ~SDMVPSU, strata = ~SDMVSTRA, weights = ~WTMEC2YR, nest = TRUE, data = nhanes)
put_stat("nhanes_mean_hichol", svymean(~HI_CHOL, dnh, na.rm = TRUE, deff = "replace"), degf(dnh))
put_stat("nhanes_total_hichol", svytotal(~HI_CHOL, dnh, na.rm = TRUE, deff = "replace"), degf(dnh))
for (d in sort(unique(nhanes$race))) {
  sub <- subset(dnh, race == d)
  put_stat("nhanes_by_mean_hichol", svymean(~HI_CHOL, sub, na.rm = TRUE, deff = "replace"),
           degf(sub), domain = d)
}
put_stat("nhanes_prop_agecat", svymean(~agecat, dnh, deff = "replace"), degf(dnh),
         level = levels(nhanes$agecat))
put_chisq("nhanes_chisq", ~HI_CHOL + race, update(dnh, HI_CHOL = factor(HI_CHOL), race = factor(race)))

# ---- lonely PSU rules --------------------------------------------------------------------
lonely_el <- apistrat
lonely_el$stratum <- as.character(lonely_el$stype)
lonely_el$stratum[1] <- "L"
write.csv(lonely_el[, c("cds", "stratum", "pw", "api00", "enroll", "awards")],
          file.path(here, "data", "apistrat_lonely.csv"), row.names = FALSE)
nh_lonely <- nhanes[!(nhanes$SDMVSTRA == 83 & nhanes$SDMVPSU == 2), ]
write.csv(transform(nh_lonely, agecat = as.character(agecat)),
          file.path(here, "data", "nhanes_lonely.csv"), row.names = FALSE)
for (rule in c("remove", "certainty", "adjust", "average")) {
  options(survey.lonely.psu = rule)
  d1 <- svydesign(id = ~1, strata = ~stratum, weights = ~pw, data = lonely_el)
  put_stat(paste0("lonely_el_mean_", rule), svymean(~api00, d1), degf(d1))
  put_stat(paste0("lonely_el_total_", rule), svytotal(~enroll, d1), degf(d1))
  d2 <- svydesign(id = ~SDMVPSU, strata = ~SDMVSTRA, weights = ~WTMEC2YR, nest = TRUE, data = nh_lonely)
  put_stat(paste0("lonely_cl_mean_", rule), svymean(~HI_CHOL, d2, na.rm = TRUE), degf(d2))
}
options(survey.lonely.psu = "fail")

# ---- calibrated designs: post-stratified and raked (calibration-aware variances) -----------
# The weights are those of the calibrated design; the standard errors use the residuals of the
# calibration (survey:::svyrecvar), not the weights taken as fixed.
put_design <- function(prefix, design, domain_by = NULL) {
  put_stat(paste0(prefix, "_mean_api00"), svymean(~api00, design, deff = "replace"), degf(design))
  put_stat(paste0(prefix, "_total_enroll"), svytotal(~enroll, design, deff = "replace"), degf(design))
  put_stat(paste0(prefix, "_prop_awards"), svymean(~awards, design, deff = "replace"), degf(design),
           level = c("No", "Yes"))
  put_stat(paste0(prefix, "_count_awards"), svytotal(~awards, design), degf(design),
           level = c("No", "Yes"))
  if (!is.null(domain_by)) put_by(paste0(prefix, "_by_mean_api00"), ~api00, domain_by, design, svymean)
  est <- svyciprop(~I(sch.wide == "Yes"), design, method = "logit")
  put(paste0(prefix, "_ciprop_logit"), "ci_low", confint(est)[1])
  put(paste0(prefix, "_ciprop_logit"), "ci_high", confint(est)[2])
}
put_design("clus_post", post, "sch.wide")
put_design("clus_raked", raked, "sch.wide")
pop_awards <- data.frame(awards = c("No", "Yes"), Freq = c(2200, 3994))
strat_post <- postStratify(dstrat, ~awards, pop_awards)
put("strat_post_weights", "weight", weights(strat_post), level = apistrat$cds)
put_design("strat_post", strat_post, "stype")
strat_raked <- rake(dstrat, list(~sch.wide, ~awards), list(pop_schwide, pop_awards),
                    control = list(maxit = 200, epsilon = 1e-12))
put("strat_raked_weights", "weight", weights(strat_raked), level = apistrat$cds)
put_design("strat_raked", strat_raked, "stype")

# ---- two-stage cluster samples with the finite population correction of both stages ------
write.csv(apiclus2[, c("cds", "stype", "dnum", "snum", "pw", "fpc1", "fpc2", "api00", "enroll",
                       "sch.wide", "awards")],
          file.path(here, "data", "apiclus2.csv"), row.names = FALSE)
dclus2 <- svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, weights = ~pw, data = apiclus2)
put_stat("clus2_mean_api00", svymean(~api00, dclus2, deff = "replace"), degf(dclus2))
put_stat("clus2_total_enroll", svytotal(~enroll, dclus2, na.rm = TRUE), degf(dclus2))
put_stat("clus2_prop_awards", svymean(~awards, dclus2), degf(dclus2), level = c("No", "Yes"))
put_by("clus2_by_mean_api00", ~api00, "stype", dclus2, svymean)
# The first stage alone with its fpc (what a one-column psu gives): smaller, wrong SEs.
put_stat("clus2_firststage_mean_api00",
         svymean(~api00, svydesign(id = ~dnum, fpc = ~fpc1, weights = ~pw, data = apiclus2)), 1)
data(mu284)
write.csv(mu284, file.path(here, "data", "mu284.csv"), row.names = FALSE)
dmu <- svydesign(id = ~id1 + id2, fpc = ~n1 + n2, data = mu284)
put("mu284_weights", "weight", weights(dmu), level = seq_len(nrow(mu284)))
put_stat("mu284_mean_y1", svymean(~y1, dmu), degf(dmu))
put_stat("mu284_total_y1", svytotal(~y1, dmu), degf(dmu))

# ---- zero weights (rows kept in the design, as R's subsets are) ----------------------------
zero <- apistrat
zero$pw[c(1, 5, 60, 120, 121)] <- 0
write.csv(zero[, c("cds", "stype", "pw", "fpc", "api00", "enroll", "awards")],
          file.path(here, "data", "apistrat_zero.csv"), row.names = FALSE)
dzero <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = zero)
put_stat("zero_mean_api00", svymean(~api00, dzero, deff = "replace"), degf(dzero))
put_stat("zero_total_enroll", svytotal(~enroll, dzero, deff = "replace"), degf(dzero))
put_stat("zero_prop_awards", svymean(~awards, dzero, deff = "replace"), degf(dzero),
         level = c("No", "Yes"))
put("zero_degf", "df", degf(dzero))
put_by("zero_by_mean_api00", ~api00, "awards", dzero, svymean)

# ---- Cronbach's alpha (psych) -------------------------------------------------------------
a <- psych::alpha(bfi_a, check.keys = FALSE)
put("alpha_bfi", "alpha", a$total$raw_alpha)
put("alpha_bfi", "std_alpha", a$total$std.alpha)
put("alpha_bfi", "average_r", a$total$average_r)
put("alpha_bfi", "ci_low", a$feldt$lower.ci)
put("alpha_bfi", "ci_high", a$feldt$upper.ci)
put("alpha_bfi", "r_drop", a$item.stats$r.drop, level = rownames(a$item.stats))
put("alpha_bfi", "alpha_if_dropped", a$alpha.drop$raw_alpha, level = rownames(a$alpha.drop))

out <- do.call(rbind, rows)
write.csv(out, file.path(here, "survey_results.csv"), row.names = FALSE)
writeLines(c(paste("R", R.version$major, R.version$minor),
             paste("survey", packageVersion("survey")),
             paste("psych", packageVersion("psych"))),
           file.path(here, "versions.txt"))
