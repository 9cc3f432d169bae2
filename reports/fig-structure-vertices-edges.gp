# fig-structure-vertices-edges.gp: the classes of the search space by vertex
# and edge count together, as a heat map (exact; no dataset).
# gnuplot -e "datadir='DIR'; outdir='OUT'; fmt='png'" fig-structure-vertices-edges.gp
_dir(s, i) = i < 1 ? "." : (s[i:i] eq "/" ? (i > 1 ? s[1:i-1] : "/") : _dir(s, i - 1))
if (!exists("reportsdir")) reportsdir = _dir(ARG0, strlen(ARG0))
figname = "fig-structure-vertices-edges"
figtitle = "Cells of the search space by vertex and edge count"
figkind = "structure"
inputs = "structure_vertices_edges.tsv"
load reportsdir."/style.gp"

F = infile("structure_vertices_edges.tsv")
stats F u "vertices":"edges" nooutput name "X"
stats F u (column("classes") > 0 ? column("classes") : NaN) nooutput name "C"
set xrange [X_min_x - 0.5:X_max_x + 0.5]
set yrange [X_min_y - 0.5:X_max_y + 0.5]
set xtics 1
set ytics 1
set border 0
unset grid
set tics scale 0
set logscale cb
set cbrange [1:(C_max > 1 ? C_max : 10)]
set format cb "10^{%T}"
set cblabel "classes (log scale; blank: none)" offset 1.2,0
set rmargin at screen 0.83
set lmargin at screen 0.2
set xlabel "vertices (input and output included)"
set ylabel "edges"
tcol(v) = log10(v) > 0.6 * log10(C_max > 1 ? C_max : 10) ? 0x000000 : 0xFFFFFF
plot F u "vertices":"edges":(0.5):(0.5):(column("classes") > 0 ? column("classes") : NaN) w boxxyerror fc palette z notitle, \
     "" u "vertices":"edges":(column("classes") > 0 ? sprintf("%d", column("classes")) : ""):(tcol(column("classes") > 0 ? column("classes") : 1)) \
       w labels tc rgb variable font ",12" notitle
