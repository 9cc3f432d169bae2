# fig-structure-counts.gp: the 423,624 classes of the search space by vertex
# count and by edge count (exact, from the enumeration; no dataset).
# gnuplot -e "datadir='DIR'; outdir='OUT'; fmt='png'" fig-structure-counts.gp
_dir(s, i) = i < 1 ? "." : (s[i:i] eq "/" ? (i > 1 ? s[1:i-1] : "/") : _dir(s, i - 1))
if (!exists("reportsdir")) reportsdir = _dir(ARG0, strlen(ARG0))
figname = "fig-structure-counts"
figtitle = "Cells of the search space by vertex count and by edge count"
figkind = "structure"
inputs = "structure_vertices.tsv structure_edges.tsv"
load reportsdir."/style.gp"

V = infile("structure_vertices.tsv")
E = infile("structure_edges.tsv")
# ranges first: stats only counts points inside the current ranges
stats V u "vertices" nooutput name "VX"
stats E u "edges" nooutput name "EX"
set multiplot
eval MPTITLE
set tmargin at screen 0.84
set bmargin at screen 0.12
set logscale y
set format y "10^{%T}"
set yrange [0.5:*]
set offsets 0, 0, graph 0.12, 0
set boxwidth 0.7 absolute
set style fill solid 1.0 border lc rgb "#333333"
set xtics 1
unset key
set ylabel "classes (unique cells, log scale)"

set lmargin at screen 0.09
set rmargin at screen 0.51
set xrange [VX_min - 0.6:VX_max + 0.6]
set xlabel "vertices (input and output included)"
plot V u "vertices":"classes" w boxes lc rgb okabe1 notitle, \
     "" u "vertices":"classes":(sprintf("%d", column("classes"))) w labels offset 0,0.8 font ",11" notitle
eval MPTITLE_OFF

set lmargin at screen 0.6
set rmargin at screen 0.97
set xrange [EX_min - 0.6:EX_max + 0.6]
set xlabel "edges"
set ylabel ""
plot E u "edges":"classes" w boxes lc rgb okabe3 notitle, \
     "" u "edges":"classes":(sprintf("%d", column("classes"))) w labels offset 0,0.8 font ",10" notitle
unset multiplot
