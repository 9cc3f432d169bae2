# fig-locality-rwa.gp: random-walk autocorrelation of the accuracy at 108
# epochs against the number of single edits between the two cells
# (NAS-Bench-101 paper, Fig. 6 left).
# gnuplot -e "datadir='DIR'; outdir='OUT'; fmt='png'" fig-locality-rwa.gp
_dir(s, i) = i < 1 ? "." : (s[i:i] eq "/" ? (i > 1 ? s[1:i-1] : "/") : _dir(s, i - 1))
if (!exists("reportsdir")) reportsdir = _dir(ARG0, strlen(ARG0))
figname = "fig-locality-rwa"
figtitle = "Random-walk autocorrelation of accuracy (locality)"
figkind = "data"
inputs = "locality_rwa.tsv"
load reportsdir."/style.gp"

F = infile("locality_rwa.tsv")
R_min = 0
stats F u "rwa_validation" nooutput name "R"
set yrange [(R_min < 0 ? floor(R_min * 10) / 10.0 : 0):1.02]
set xrange [0:*]
set ytics 0.1
set mytics 2
set arrow 1 from graph 0, first 0 to graph 1, first 0 nohead lc rgb "#777777" lw 1 back
set xlabel "shift: single edits between the two cells of the walk"
set ylabel "autocorrelation of mean accuracy (Pearson r)"
set key at graph 0.97, graph 0.82 right
plot F u "shift":"rwa_validation" w l lt 1 lw 2.5 title "validation accuracy", \
     "" u "shift":"rwa_test" w l lt 2 title "test accuracy"
