# fig-optimizers-final.gp: ECDF of the final test regret of each simulated
# NAS optimiser's runs at the end of the time budget (NAS-Bench-101 paper,
# Fig. 7 right).
# gnuplot -e "datadir='DIR'; outdir='OUT'; fmt='png'" fig-optimizers-final.gp
_dir(s, i) = i < 1 ? "." : (s[i:i] eq "/" ? (i > 1 ? s[1:i-1] : "/") : _dir(s, i - 1))
if (!exists("reportsdir")) reportsdir = _dir(ARG0, strlen(ARG0))
figname = "fig-optimizers-final"
figtitle = "Final test regret of the NAS optimisers' runs"
figkind = "data"
inputs = "optimizers_ecdf.tsv"
load reportsdir."/style.gp"

F = infile("optimizers_ecdf.tsv")
H = header[1]
pretty(m) = m eq "random" ? "random search" : m eq "evolution" ? "regularized evolution" : \
            m eq "local" ? "local search" : m eq "reinforce" ? "REINFORCE" : \
            m eq "bohb" ? "BOHB" : m eq "smac" ? "SMAC" : m eq "hb" ? "Hyperband" : m
# regret in percentage points; zero regret is drawn on the floor of the log
# axis, whose tick reads "≤ floor"
floor_pp = 0.01
clip(v) = v < floor_pp ? floor_pp : v
hi = floor_pp
do for [i = 2:words(H)] {
    S_max = 0
    stats F u (100 * column(i)) nooutput name "S"
    hi = S_max > hi ? S_max : hi
}
set logscale x
set xrange [floor_pp:(hi > 1 ? 10 ** ceil(log10(hi)) : 1)]
set xtics add ("≤ 0.01" floor_pp)
set mxtics 10
set yrange [0:1]
set ytics 0.1
set mytics 2
set xlabel "final test regret at the end of the time budget (percentage points, log scale)"
set ylabel "fraction of runs with at most this regret"
set key bottom right
plot for [i = 2:words(H)] F u (clip(100 * column(i))):"fraction" w steps lt (i - 1) title pretty(word(H, i))
