# fig-nb201-accuracy-ecdf.gp: ECDFs of the NAS-Bench-201 cells' fitness and
# score (each cell's mean over its repeats), one curve per metric column of
# accuracy_ecdf.tsv, named by its header.
# gnuplot -e "datadir='DIR'; outdir='OUT'; fmt='png'" fig-nb201-accuracy-ecdf.gp
_dir(s, i) = i < 1 ? "." : (s[i:i] eq "/" ? (i > 1 ? s[1:i-1] : "/") : _dir(s, i - 1))
if (!exists("reportsdir")) reportsdir = _dir(ARG0, strlen(ARG0))
figname = "fig-nb201-accuracy-ecdf"
figtitle = "Distribution of the cells' results"
figkind = "data"
inputs = "accuracy_ecdf.tsv accuracy.json"
nrequired = 1
load reportsdir."/style.gp"

F = infile("accuracy_ecdf.tsv")
H = header[1]
# the metric columns (fraction first); a metric in both roles is one column
metrics = ""
acc = 1
do for [i = 2:words(H)] {
    metrics = metrics . (i > 2 ? " and " : "") . word(H, i)
    if (strstrt(word(H, i), "accuracy") == 0) { acc = 0 }
}
dataset = json_str(infile("accuracy.json"), "dataset")
set title sprintf("Distribution of %s over the cells%s", metrics, dataset ne "" ? " (".dataset.")" : "") font ",16" noenhanced offset 0,-0.2
if (acc) {
    # start at the lowest value of the best 95 % of cells, rounded down to 5:
    # the cells that compute zero (chance accuracy) would squash the rest
    lo = 100
    do for [i = 2:words(H)] {
        S_min = 100
        stats F u (column("fraction") >= 0.05 ? column(i) : NaN) nooutput name "S"
        lo = S_min < lo ? S_min : lo
    }
    xlo = floor(lo / 5) * 5
    xlo = xlo < 0 ? 0 : (xlo > 95 ? 95 : xlo)
    set xrange [xlo:100.3]
    set xtics 0, 5, 100
    set xlabel "accuracy (%, mean over a cell's repeats)"
} else {
    set xlabel "value (as the data give it; mean over a cell's repeats)"
}
set yrange [0:1]
set ylabel "fraction of cells with at most this value"
set ytics 0.1
set mytics 2
set key top left noenhanced
plot for [i = 2:words(H)] F u i:"fraction" w l lt (i - 1) title word(H, i)
