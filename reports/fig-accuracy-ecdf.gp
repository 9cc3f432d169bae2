# fig-accuracy-ecdf.gp: ECDFs of train, validation and test accuracy at 108
# epochs (NAS-Bench-101 paper, Fig. 2 left).
# gnuplot -e "datadir='DIR'; outdir='OUT'; fmt='png'" fig-accuracy-ecdf.gp
_dir(s, i) = i < 1 ? "." : (s[i:i] eq "/" ? (i > 1 ? s[1:i-1] : "/") : _dir(s, i - 1))
if (!exists("reportsdir")) reportsdir = _dir(ARG0, strlen(ARG0))
figname = "fig-accuracy-ecdf"
figtitle = "Accuracy of the cells at 108 epochs"
figkind = "data"
inputs = "accuracy_ecdf.tsv"
load reportsdir."/style.gp"

F = infile("accuracy_ecdf.tsv")
# Start the x axis at the lowest accuracy of the best 99 % of cells, rounded
# down to 5 %: the few cells that failed to train (about 10 %) would squash
# the rest against the right edge; the curves enter at their fraction.
T_min = 0; V_min = 0
stats F u (column("fraction") >= 0.01 ? 100 * column("test") : NaN) nooutput name "T"
stats F u (column("fraction") >= 0.01 ? 100 * column("validation") : NaN) nooutput name "V"
xlo = floor((T_min < V_min ? T_min : V_min) / 5) * 5
xlo = xlo < 0 ? 0 : (xlo > 95 ? 95 : xlo)
set xrange [xlo:100.3]
set xtics 0, 5, 100
set yrange [0:1]
set xlabel "accuracy at 108 epochs (%, mean over a cell's repeats)"
set ylabel "fraction of cells with at most this accuracy"
set ytics 0.1
set mytics 2
set key top left
plot F u (100 * column("train")):"fraction" w l lt 3 title "train", \
     ""  u (100 * column("validation")):"fraction" w l lt 1 title "validation", \
     ""  u (100 * column("test")):"fraction" w l lt 2 title "test"
