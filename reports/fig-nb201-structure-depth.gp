# fig-nb201-structure-depth.gp: NAS-Bench-201's cells by depth and op depth
# (left) and by live edges and live convolutions (right) (no dataset).
# gnuplot -e "datadir='DIR'; outdir='OUT'; fmt='png'" fig-nb201-structure-depth.gp
_dir(s, i) = i < 1 ? "." : (s[i:i] eq "/" ? (i > 1 ? s[1:i-1] : "/") : _dir(s, i - 1))
if (!exists("reportsdir")) reportsdir = _dir(ARG0, strlen(ARG0))
figname = "fig-nb201-structure-depth"
figtitle = "Cells by depth and by live edges"
figkind = "structure"
inputs = "structure_depth.tsv"
load reportsdir."/style.gp"

F = infile("structure_depth.tsv")
nz(v) = v > 0 ? v : NaN
count(v) = v > 0 ? sprintf("%d", v) : ""
set multiplot
eval MPTITLE
set tmargin at screen 0.84
set bmargin at screen 0.12
set boxwidth 0.38 absolute
set style fill solid 1.0 border lc rgb "#333333"
set yrange [0:*]
set offsets 0, 0, graph 0.3, 0
set xtics 1
set key top left

# left: depth (edges on the longest input-output path) and op depth
set lmargin at screen 0.09
set rmargin at screen 0.49
stats F u ((column("cells_by_depth") + column("cells_by_op_depth")) > 0 ? column("n") : NaN) nooutput name "L"
set xrange [-0.6:L_max + 0.6]
set xlabel "longest input-output path: edges or operations"
set ylabel "cells"
plot F u (column("n") - 0.2):(nz(column("cells_by_depth"))) w boxes lc rgb okabe1 title "depth: edges, none left out", \
     "" u (column("n") + 0.2):(nz(column("cells_by_op_depth"))) w boxes lc rgb okabe2 title "op depth: convolutions and poolings", \
     "" u (column("n") - 0.2):(column("cells_by_depth")):(count(column("cells_by_depth"))) w labels rotate by 90 left offset 0,0.4 font ",9" notitle, \
     "" u (column("n") + 0.2):(column("cells_by_op_depth")):(count(column("cells_by_op_depth"))) w labels rotate by 90 left offset 0,0.4 font ",9" notitle
eval MPTITLE_OFF

# right: live edges (on some input-output path) and live convolutions
set lmargin at screen 0.58
set rmargin at screen 0.97
stats F u "n" nooutput name "R"
set xrange [-0.6:R_max + 0.6]
set xlabel "live edges or live convolutions"
unset ylabel
plot F u (column("n") - 0.2):(nz(column("cells_by_live_edges"))) w boxes lc rgb okabe3 title "live edges (on an input-output path)", \
     "" u (column("n") + 0.2):(nz(column("cells_by_live_convs"))) w boxes lc rgb okabe4 title "live convolutions", \
     "" u (column("n") - 0.2):(column("cells_by_live_edges")):(count(column("cells_by_live_edges"))) w labels rotate by 90 left offset 0,0.4 font ",9" notitle, \
     "" u (column("n") + 0.2):(column("cells_by_live_convs")):(count(column("cells_by_live_convs"))) w labels rotate by 90 left offset 0,0.4 font ",9" notitle
unset multiplot
