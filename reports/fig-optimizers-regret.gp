# fig-optimizers-regret.gp: mean test regret of the simulated NAS optimisers
# against simulated training time, with the band between the quartiles over
# the runs, log-log (NAS-Bench-101 paper, Fig. 7 left).
# gnuplot -e "datadir='DIR'; outdir='OUT'; fmt='png'" fig-optimizers-regret.gp
_dir(s, i) = i < 1 ? "." : (s[i:i] eq "/" ? (i > 1 ? s[1:i-1] : "/") : _dir(s, i - 1))
if (!exists("reportsdir")) reportsdir = _dir(ARG0, strlen(ARG0))
figname = "fig-optimizers-regret"
figtitle = "Test regret of the NAS optimisers against simulated time"
figkind = "data"
inputs = "optimizers_regret.tsv"
load reportsdir."/style.gp"

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
stats F u (100 * column(method[1] . "_mean")) nooutput name "R"
set logscale xy
set format x "10^{%T}"
set yrange [floor_pp:(R_max > 1 ? 10 ** ceil(log10(R_max)) : 1)]
set ytics add ("≤ 0.01" floor_pp)
set mytics 10
set xlabel "simulated training time (seconds, log scale)"
set ylabel "test regret (percentage points, log scale)"
set style fill transparent solid 0.18 noborder
set key bottom left
plot for [k = 1:nm] F u "time_s":(clip(100 * column(method[k] . "_q25"))):(clip(100 * column(method[k] . "_q75"))) \
       w filledcurves lc rgb word(okabe1." ".okabe2." ".okabe3." ".okabe4." ".okabe5." ".okabe6." ".okabe7, (k - 1) % 7 + 1) notitle, \
     for [k = 1:nm] F u "time_s":(clip(100 * column(method[k] . "_mean"))) w l lt k title pretty(method[k])
