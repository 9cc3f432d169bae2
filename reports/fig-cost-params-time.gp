# fig-cost-params-time.gp: training time against trainable parameters, each
# bin of the 2-D grid coloured by the mean validation accuracy of its cells
# (NAS-Bench-101 paper, Fig. 3 left).
# gnuplot -e "datadir='DIR'; outdir='OUT'; fmt='png'" fig-cost-params-time.gp
_dir(s, i) = i < 1 ? "." : (s[i:i] eq "/" ? (i > 1 ? s[1:i-1] : "/") : _dir(s, i - 1))
if (!exists("reportsdir")) reportsdir = _dir(ARG0, strlen(ARG0))
figname = "fig-cost-params-time"
figtitle = "Training time against trainable parameters at 108 epochs"
figkind = "data"
inputs = "cost_params_time.tsv cost_marked.tsv"
nrequired = 1
load reportsdir."/style.gp"

F = infile("cost_params_time.tsv")
M = infile("cost_marked.tsv")
# Bin sizes: the analysis grids each axis into equal bins spanning the data
# (120 per axis: bin centres span 119 widths); the smallest step between
# neighbouring occupied bins gives the width too when the grid differs.
stats F u (column("trainable_parameters") / 1e6):(column("training_time")) nooutput name "B"
wx = B_max_x > B_min_x ? (B_max_x - B_min_x) / 119 : 0.1
wy = B_max_y > B_min_y ? (B_max_y - B_min_y) / 119 : 10
px = NaN; py = NaN
stats F u (d = column(1) / 1e6 - px, (d > 0 && d < wx) ? wx = d : 0, \
           e = column(2) - py, (d == 0 && e > 0 && e < wy) ? wy = e : 0, \
           px = column(1) / 1e6, py = column(2), 0) nooutput name "D"
# Colours saturate below the lower fence of the bins' mean accuracies, so
# the few bins of failed cells (about 10 %) do not wash out the rest.
stats F u (100 * column("mean_validation")) nooutput name "A"
cblo = A_lo_quartile - 3 * (A_up_quartile - A_lo_quartile)
cblo = cblo < A_min ? A_min : cblo
cbhi = A_max > cblo ? A_max : cblo + 1
set cbrange [cblo:cbhi]
set cblabel "mean validation accuracy of the bin's cells (%)" offset 1.2,0
set rmargin at screen 0.855
set xrange [0:*]
set yrange [0:*]
set xlabel "trainable parameters (millions)"
set ylabel "training time at 108 epochs (seconds, mean over repeats)"
set key bottom right
# the marked cells, when the dataset holds them
MARKED = nrows[2] < 1 ? "" : \
    ', M u (strcol("label") eq "resnet-like" ? column("trainable_parameters") / 1e6 : NaN):"training_time" w p pt 9 ps 2.6 * psc lc rgb "white" notitle' . \
    ', "" u (strcol("label") eq "resnet-like" ? column("trainable_parameters") / 1e6 : NaN):"training_time" w p pt 9 ps 1.8 * psc lc rgb okabe2 title "ResNet-like cell"' . \
    ', "" u (strcol("label") eq "inception-like" ? column("trainable_parameters") / 1e6 : NaN):"training_time" w p pt 13 ps 2.8 * psc lc rgb "white" notitle' . \
    ', "" u (strcol("label") eq "inception-like" ? column("trainable_parameters") / 1e6 : NaN):"training_time" w p pt 13 ps 2.0 * psc lc rgb okabe1 title "Inception-like cell"'
eval 'plot F u (column(1) / 1e6):(column(2)):(wx / 2):(wy / 2):(100 * column("mean_validation")) w boxxyerror fc palette z notitle' . MARKED
