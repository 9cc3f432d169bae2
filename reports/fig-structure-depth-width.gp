# fig-structure-depth-width.gp: the classes of the search space by depth and
# by width (exact; no dataset): how the cells the paper's Fig. 5 compares
# are spread.
# gnuplot -e "datadir='DIR'; outdir='OUT'; fmt='png'" fig-structure-depth-width.gp
_dir(s, i) = i < 1 ? "." : (s[i:i] eq "/" ? (i > 1 ? s[1:i-1] : "/") : _dir(s, i - 1))
if (!exists("reportsdir")) reportsdir = _dir(ARG0, strlen(ARG0))
figname = "fig-structure-depth-width"
figtitle = "Cells of the search space by depth and by width"
figkind = "structure"
inputs = "structure_depth.tsv structure_width.tsv"
load reportsdir."/style.gp"

D = infile("structure_depth.tsv")
W = infile("structure_width.tsv")
# ranges first: stats only counts points inside the current ranges
stats D u "depth" nooutput name "DX"
stats W u "width" nooutput name "WX"
set multiplot
eval MPTITLE
set tmargin at screen 0.84
set bmargin at screen 0.12
set logscale y
set format y "10^{%T}"
set yrange [0.5:*]
set offsets 0, 0, graph 0.12, 0
set style fill solid 1.0 border lc rgb "#333333"
set xtics 1
set ylabel "classes (unique cells, log scale)"

set lmargin at screen 0.09
set rmargin at screen 0.51
set xrange [DX_min - 0.6:DX_max + 0.6]
set boxwidth 0.7 absolute
set xlabel "depth (edges on the longest input-output path)"
unset key
plot D u "depth":"classes" w boxes lc rgb okabe1 notitle, \
     "" u "depth":"classes":(sprintf("%d", column("classes"))) w labels offset 0,0.8 font ",11" notitle
eval MPTITLE_OFF

set lmargin at screen 0.6
set rmargin at screen 0.97
set xrange [WX_min - 0.6:WX_max + 0.6]
set boxwidth 0.36 absolute
set xlabel "width (maximum directed cut)"
set ylabel ""
set key top left
plot W u (column("width") - 0.19):(column("classes") > 0 ? column("classes") : NaN) w boxes lc rgb okabe3 title "every edge counted", \
     "" u (column("width") + 0.19):(column("classes_without_in_out_edge") > 0 ? column("classes_without_in_out_edge") : NaN) \
       w boxes lc rgb okabe4 fs pattern 2 border lc rgb "#333333" title "input→output edge not counted"
unset multiplot
