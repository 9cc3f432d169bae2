# lib-neighbours-degree.gp: the degree distribution of a neighbour graph,
# shared by fig-neighbours-degree.gp (NAS-Bench-101) and
# fig-nb201-neighbours-degree.gp.  Loaded after style.gp; the caller sets
# nb_xlabel and nb_ylabel.  Reads neighbours_degree.tsv (degree, classes).

F = infile("neighbours_degree.tsv")
set logscale xy
set format x "10^{%T}"
set format y "10^{%T}"
set xrange [0.8:*]
set yrange [0.7:*]
set xlabel nb_xlabel
set ylabel nb_ylabel
unset key
plot F u "degree":"classes" w p pt 7 ps 1.1 * psc lc rgb okabe1 notitle
