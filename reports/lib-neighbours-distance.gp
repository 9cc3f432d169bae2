# lib-neighbours-distance.gp: the distances of a neighbour graph from
# sampled sources, shared by fig-neighbours-distance.gp (NAS-Bench-101) and
# fig-nb201-neighbours-distance.gp.  Loaded after style.gp; the caller sets
# nb_xlabel and nb_ylabel.  Reads neighbours_distance.tsv (distance,
# fraction).

F = infile("neighbours_distance.tsv")
stats F u "distance" nooutput name "X"
set xrange [X_min - 0.6 < 0 ? 0 : X_min - 0.6:X_max + 0.6]
set xtics 1
set yrange [0:*]
set offsets 0, 0, graph 0.1, 0
set boxwidth 0.7 absolute
set style fill solid 1.0 border lc rgb "#333333"
set xlabel nb_xlabel
set ylabel nb_ylabel
unset key
plot F u "distance":(100 * column("fraction")) w boxes lc rgb okabe1 notitle, \
     "" u "distance":(100 * column("fraction")):(100 * column("fraction") >= 0.1 ? sprintf("%.1f %%", 100 * column("fraction")) : sprintf("%.2g %%", 100 * column("fraction"))) \
       w labels offset 0,0.8 font ",11" notitle
