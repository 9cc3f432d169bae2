# fig-optima.gp: local optima of the neighbour graph (no neighbour has a
# higher mean validation accuracy at 108 epochs): each optimum's accuracy
# against its basin under steepest ascent, and how basin sizes spread.
# gnuplot -e "datadir='DIR'; outdir='OUT'; fmt='png'" fig-optima.gp
_dir(s, i) = i < 1 ? "." : (s[i:i] eq "/" ? (i > 1 ? s[1:i-1] : "/") : _dir(s, i - 1))
if (!exists("reportsdir")) reportsdir = _dir(ARG0, strlen(ARG0))
figname = "fig-optima"
figtitle = "Local optima of validation accuracy and their basins"
figkind = "data"
inputs = "optima.tsv optima_basins.tsv"
nodata_hint = "no class with data has a one-edit neighbour with data: the dataset is too sparse"
load reportsdir."/style.gp"

F = infile("optima.tsv")
B = infile("optima_basins.tsv")
set multiplot
eval MPTITLE
set tmargin at screen 0.84
set bmargin at screen 0.12

# left: accuracy of each optimum against its basin size
set lmargin at screen 0.09
set rmargin at screen 0.53
set logscale y
set format y "10^{%T}"
set yrange [0.7:*]
set xlabel "mean validation accuracy of the local optimum (%)"
set ylabel "basin size (classes whose steepest ascent ends there)"
set key top left
plot F u (column("strict") == 1 ? 100 * column("mean_validation") : NaN):"basin_size" w p pt 7 ps 0.5 * psc lc rgb okabe1 title "strict optimum", \
     "" u (column("strict") != 1 ? 100 * column("mean_validation") : NaN):"basin_size" w p pt 5 ps 0.8 * psc lc rgb okabe2 title "plateau (a neighbour ties)"
eval MPTITLE_OFF

# right: number of optima by basin size
set lmargin at screen 0.62
set rmargin at screen 0.97
set logscale xy
set format x "10^{%T}"
set xrange [0.7:*]
set xlabel "basin size (classes)"
set ylabel "local optima with this basin size"
unset key
plot B u "basin_size":"optima" w p pt 7 ps 0.8 * psc lc rgb okabe1 notitle
unset multiplot
