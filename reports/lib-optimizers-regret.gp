# lib-optimizers-regret.gp: regret of simulated NAS optimisers against
# their simulated cost, mean and quartile band over the runs, log-log;
# shared by fig-optimizers-regret.gp (NAS-Bench-101) and
# fig-nb201-optimizers-regret.gp.  Loaded after style.gp; the caller sets
# reg_scale (the regret's factor to percentage points), reg_xlabel and
# reg_ylabel.  Reads optimizers_regret.tsv: the cost in its first column,
# then METHOD_mean, METHOD_q25, METHOD_median, METHOD_q75 per method.

F = infile("optimizers_regret.tsv")
H = header[1]
# methods: the METHOD_mean columns, each with METHOD_q25 and METHOD_q75
nm = 0
array method[words(H)]
do for [i = 2:words(H)] {
    w = word(H, i)
    if (strlen(w) > 5 && w[strlen(w) - 4:] eq "_mean") { nm = nm + 1; method[nm] = w[1:strlen(w) - 5] }
}
if (nm < 1) { reason = "optimizers_regret.tsv has no METHOD_mean column"; eval NODATA }
pretty(m) = m eq "random" ? "random search" : m eq "evolution" ? "regularized evolution" : \
            m eq "local" ? "local search" : m eq "reinforce" ? "REINFORCE" : \
            m eq "bohb" ? "BOHB" : m eq "smac" ? "SMAC" : m eq "hb" ? "Hyperband" : m
# regret in percentage points; zero regret cannot sit on a log axis: values
# below the floor are drawn on it, and its tick reads "≤ floor"
floor_pp = 0.01
clip(v) = v < floor_pp ? floor_pp : v
R_max = 100
stats F u (reg_scale * column(method[1] . "_mean")) nooutput name "R"
set logscale xy
set format x "10^{%T}"
set yrange [floor_pp:(R_max > 1 ? 10 ** ceil(log10(R_max)) : 1)]
set ytics add ("≤ 0.01" floor_pp)
set mytics 10
set xlabel reg_xlabel noenhanced
set ylabel reg_ylabel noenhanced
set style fill transparent solid 0.18 noborder
set key bottom left
plot for [k = 1:nm] F u 1:(clip(reg_scale * column(method[k] . "_q25"))):(clip(reg_scale * column(method[k] . "_q75"))) \
       w filledcurves lc rgb word(okabe1." ".okabe2." ".okabe3." ".okabe4." ".okabe5." ".okabe6." ".okabe7, (k - 1) % 7 + 1) notitle, \
     for [k = 1:nm] F u 1:(clip(reg_scale * column(method[k] . "_mean"))) w l lt k title pretty(method[k])
