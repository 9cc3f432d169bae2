# fig-op-importance-accuracy.gp: ECDFs of the change in validation accuracy
# when one interior vertex's operation X is replaced by Y, the graph kept
# (NAS-Bench-101 paper, Fig. 4).
# gnuplot -e "datadir='DIR'; outdir='OUT'; fmt='png'" fig-op-importance-accuracy.gp
_dir(s, i) = i < 1 ? "." : (s[i:i] eq "/" ? (i > 1 ? s[1:i-1] : "/") : _dir(s, i - 1))
if (!exists("reportsdir")) reportsdir = _dir(ARG0, strlen(ARG0))
figname = "fig-op-importance-accuracy"
figtitle = "Change in validation accuracy when one operation is replaced"
figkind = "data"
inputs = "op_importance_ecdf.tsv"
nodata_hint = "no cell of the dataset has a cell one operation away in the dataset"
load reportsdir."/style.gp"

F = infile("op_importance_ecdf.tsv")
H = header[1]
# column X_to_Y: "X → Y"
pair(s) = strstrt(s, "_to_") ? s[1:strstrt(s, "_to_") - 1]." → ".s[strstrt(s, "_to_") + 4:] : s
# x range: the middle 98 % of every replacement (the extremes are cells that
# failed to train on one side of the replacement)
lo = 0; hi = 0
do for [i = 2:words(H)] {
    C_min = 0; C_max = 0
    stats F u (column("fraction") >= 0.01 && column("fraction") <= 0.99 ? 100 * column(i) : NaN) nooutput name "C"
    lo = C_min < lo ? C_min : lo
    hi = C_max > hi ? C_max : hi
}
lo = floor(lo); hi = ceil(hi)
lo = lo < 0 ? lo : -1
hi = hi > 0 ? hi : 1
set xrange [lo:hi]
set yrange [0:1]
set ytics 0.1
set mytics 2
set arrow 1 from 0, graph 0 to 0, graph 1 nohead lc rgb "#777777" lw 1 back
set xlabel "change in validation accuracy at 108 epochs, Y minus X (percentage points)"
set ylabel "fraction of replacements with at most this change"
set key bottom right
plot for [i = 2:words(H)] F u (100 * column(i)):"fraction" w l lt (i - 1) title pair(word(H, i))
