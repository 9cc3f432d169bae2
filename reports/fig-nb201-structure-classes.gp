# fig-nb201-structure-classes.gp: NAS-Bench-201's unique cells by how many
# of the 15,625 cells each holds, under three equivalences: the API's rule,
# the computation graph (nauty) and the expression (no dataset).
# gnuplot -e "datadir='DIR'; outdir='OUT'; fmt='png'" fig-nb201-structure-classes.gp
_dir(s, i) = i < 1 ? "." : (s[i:i] eq "/" ? (i > 1 ? s[1:i-1] : "/") : _dir(s, i - 1))
if (!exists("reportsdir")) reportsdir = _dir(ARG0, strlen(ARG0))
figname = "fig-nb201-structure-classes"
figtitle = "Unique cells by class size under three equivalences"
figkind = "structure"
inputs = "structure_classes.tsv"
load reportsdir."/style.gp"

F = infile("structure_classes.tsv")
A_sum = 0; G_sum = 0; E_sum = 0
stats F u "api_classes" nooutput name "A"
stats F u "graph_classes" nooutput name "G"
stats F u "expression_classes" nooutput name "E"
nz(v) = v > 0 ? v : NaN
set logscale xy
set format x "10^{%T}"
set format y "10^{%T}"
set xrange [0.7:*]
set yrange [0.7:*]
set xlabel "class size: cells of the 15,625 that one unique cell holds (log scale)"
set ylabel "unique cells with this class size (log scale)"
set key top right
plot F u "size":(nz(column("api_classes"))) w p lt 1 ps 1.3 * psc title sprintf("the API's rule (isomorphism): %d classes", A_sum), \
     "" u "size":(nz(column("graph_classes"))) w p lt 2 ps 1.2 * psc title sprintf("computation graph (nauty): %d classes", G_sum), \
     "" u "size":(nz(column("expression_classes"))) w p lt 3 ps 1.3 * psc title sprintf("expression, zero terms dropped: %d classes", E_sum)
