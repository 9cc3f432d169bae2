# fig-cost-time-validation.gp: validation accuracy against training time at
# 108 epochs, bins shaded by how many cells they hold, with the Pareto front
# and the ResNet-like and Inception-like cells and the Inception-like cell's
# neighbours marked (NAS-Bench-101 paper, Fig. 3 right).
# gnuplot -e "datadir='DIR'; outdir='OUT'; fmt='png'" fig-cost-time-validation.gp
_dir(s, i) = i < 1 ? "." : (s[i:i] eq "/" ? (i > 1 ? s[1:i-1] : "/") : _dir(s, i - 1))
if (!exists("reportsdir")) reportsdir = _dir(ARG0, strlen(ARG0))
figname = "fig-cost-time-validation"
figtitle = "Validation accuracy against training time at 108 epochs"
figkind = "data"
inputs = "cost_time_validation.tsv cost_pareto_time.tsv cost_marked.tsv"
nrequired = 1
load reportsdir."/style.gp"

F = infile("cost_time_validation.tsv")
P = infile("cost_pareto_time.tsv")
M = infile("cost_marked.tsv")
# bin sizes, as in fig-cost-params-time.gp: 120 bins per axis over the data
stats F u (column("training_time")):(100 * column("validation")) nooutput name "B"
wx = B_max_x > B_min_x ? (B_max_x - B_min_x) / 119 : 10
wy = B_max_y > B_min_y ? (B_max_y - B_min_y) / 119 : 0.1
px = NaN; py = NaN
stats F u (d = column(1) - px, (d > 0 && d < wx) ? wx = d : 0, \
           e = 100 * column(2) - py, (d == 0 && e > 0 && e < wy) ? wy = e : 0, \
           px = column(1), py = 100 * column(2), 0) nooutput name "D"
# The y axis starts at the accuracy below which 1 % of the cells lie (cells
# that failed to train would stretch it down to 10 %): cumulative cell
# counts over the accuracy bins.
set table $CUM
plot F u (100 * column("validation")):(column("cells")) smooth cumulative
unset table
set datafile separator whitespace
set datafile nocolumnheaders
C_max = 0
stats $CUM u 2 nooutput name "C"
total = C_max
q01 = B_min_y
stats $CUM u ($2 >= 0.01 * total ? $1 : NaN) nooutput name "Q"
q01 = exists("Q_min") ? Q_min : q01
set datafile separator tab
set datafile columnheaders
ylo = floor((q01 - wy / 2) / 2) * 2
stats F u "cells" nooutput name "N"
set logscale cb
set cbrange [1:(N_max > 1 ? N_max : 10)]
set format cb "10^{%T}"
# light to dark grey: the shading stays behind the coloured marks
set palette defined (0 "#C4C4C4", 1 "#8C8C8C", 2 "#4A4A4A", 3 "#111111")
set cblabel "cells in the bin (log scale)" offset 1.2,0
set rmargin at screen 0.855
set yrange [ylo:*]
set xrange [0:*]
set xlabel "training time at 108 epochs (seconds, mean over repeats)"
set ylabel "validation accuracy at 108 epochs (%, mean over repeats)"
set bmargin 8.5
set key at screen 0.14, screen 0.105 vertical maxrows 2 width 2 noopaque
PARETO = nrows[2] < 1 ? "" : \
    ', P u "training_time":(100 * column("validation")) w steps lt 7 lw 1.5 title "Pareto front (fastest to each accuracy)"'
MARKED = nrows[3] < 1 ? "" : \
    ', M u (strcol("label") eq "inception-neighbour" ? column("training_time") : NaN):(100 * column("validation")) w p pt 6 ps 1.6 * psc lw 2 lc rgb okabe4 title "neighbours of the Inception-like cell"' . \
    ', "" u (strcol("label") eq "resnet-like" ? column("training_time") : NaN):(100 * column("validation")) w p pt 9 ps 2.6 * psc lc rgb "white" notitle' . \
    ', "" u (strcol("label") eq "resnet-like" ? column("training_time") : NaN):(100 * column("validation")) w p pt 9 ps 1.8 * psc lc rgb okabe2 title "ResNet-like cell"' . \
    ', "" u (strcol("label") eq "inception-like" ? column("training_time") : NaN):(100 * column("validation")) w p pt 13 ps 2.8 * psc lc rgb "white" notitle' . \
    ', "" u (strcol("label") eq "inception-like" ? column("training_time") : NaN):(100 * column("validation")) w p pt 13 ps 2.0 * psc lc rgb okabe1 title "Inception-like cell"'
eval 'plot F u (column(1)):(100 * column(2)):(wx / 2):(wy / 2):(column("cells")) w boxxyerror fc palette z notitle' . PARETO . MARKED
