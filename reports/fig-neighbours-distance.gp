# fig-neighbours-distance.gp: distances in the neighbour graph from sampled
# source classes to every class they reach (breadth-first search; no
# dataset).
# gnuplot -e "datadir='DIR'; outdir='OUT'; fmt='png'" fig-neighbours-distance.gp
_dir(s, i) = i < 1 ? "." : (s[i:i] eq "/" ? (i > 1 ? s[1:i-1] : "/") : _dir(s, i - 1))
if (!exists("reportsdir")) reportsdir = _dir(ARG0, strlen(ARG0))
figname = "fig-neighbours-distance"
figtitle = "Neighbour graph: distances between classes"
figkind = "structure"
inputs = "neighbours_distance.tsv"
load reportsdir."/style.gp"

F = infile("neighbours_distance.tsv")
stats F u "distance" nooutput name "X"
set xrange [X_min - 0.6 < 0 ? 0 : X_min - 0.6:X_max + 0.6]
set xtics 1
set yrange [0:*]
set offsets 0, 0, graph 0.1, 0
set boxwidth 0.7 absolute
set style fill solid 1.0 border lc rgb "#333333"
set xlabel "distance: fewest single edits between two classes"
set ylabel "pairs (source, class) at this distance (%)"
unset key
plot F u "distance":(100 * column("fraction")) w boxes lc rgb okabe1 notitle, \
     "" u "distance":(100 * column("fraction")):(100 * column("fraction") >= 0.1 ? sprintf("%.1f %%", 100 * column("fraction")) : sprintf("%.2g %%", 100 * column("fraction"))) \
       w labels offset 0,0.8 font ",11" notitle
