# fig-width.gp: validation accuracy and training time at 108 epochs by cell
# width (NAS-Bench-101 paper, Fig. 5 right).  fig-depth.gp is the same
# figure by depth; both read the columns depth-width writes.
# gnuplot -e "datadir='DIR'; outdir='OUT'; fmt='png'" fig-width.gp
_dir(s, i) = i < 1 ? "." : (s[i:i] eq "/" ? (i > 1 ? s[1:i-1] : "/") : _dir(s, i - 1))
if (!exists("reportsdir")) reportsdir = _dir(ARG0, strlen(ARG0))
figname = "fig-width"
figtitle = "Validation accuracy and training time by cell width"
figkind = "data"
inputs = "width.tsv"
by = "width"
bylabel = "width of the cell (maximum directed cut: edges leaving a set of vertices closed under predecessors)"
load reportsdir."/style.gp"

F = infile(inputs)
stats F u (column(by)) nooutput name "X"
set xrange [X_min - 0.6:X_max + 0.6]
set xtics 1
set multiplot
eval MPTITLE
set lmargin at screen 0.1
set rmargin at screen 0.97
set style fill solid 0.35 border lc rgb okabe1
set boxwidth 0.45 absolute

# top: accuracy
set tmargin at screen 0.85
set bmargin at screen 0.5
set format x ""
unset xlabel
set ylabel "validation accuracy (%)"
set key top left horizontal maxrows 1 width 0 samplen 1.5
set offsets 0, 0, graph 0.3, graph 0.05
plot F u (column(by)):(100 * column("validation_q25")):(100 * column("validation_q25")):(100 * column("validation_q75")):(100 * column("validation_q75")) \
       w candlesticks lt 1 lw 1.5 title "quartiles Q1–Q3", \
     "" u (column(by)):(100 * column("validation_median")):(100 * column("validation_median")):(100 * column("validation_median")):(100 * column("validation_median")) \
       w candlesticks lt 1 lw 3 dt solid title "median", \
     "" u (column(by)):(100 * column("validation_mean")) w lp lt 2 ps 1.3 * psc title "mean", \
     "" u (column(by)):(100 * column("validation_max")) w p lt 3 ps 1.5 * psc title "best cell"

# bottom: training time
eval MPTITLE_OFF
set tmargin at screen 0.47
set bmargin at screen 0.15
set format x "%g"
set xlabel bylabel offset 0,-0.6
set ylabel "training time (seconds)"
set offsets 0, 0, graph 0.25, 0
set xtics format "%g"
# cells per bin as tick labels: "4\n(88965 cells)"
plot F u (column(by)):(column("training_time_mean")):(column("training_time_sd")):xtic(sprintf("%d\n%d cell%s", column(by), column("cells"), column("cells") == 1 ? "" : "s")) \
       w yerrorbars lt 1 ps 1.3 * psc title "mean ± standard deviation", \
     "" u (column(by)):(column("training_time_mean")) w l lt 1 notitle, \
     "" u (column(by)):(column("training_time_median")) w p lt 2 ps 1.3 * psc title "median"
unset multiplot
