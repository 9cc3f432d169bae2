# fig-neighbours-degree.gp: degree distribution of the neighbour graph: two
# classes are neighbours when one edit (an edge bit or an op) turns an
# encoding of one into an encoding of the other (no dataset).
# gnuplot -e "datadir='DIR'; outdir='OUT'; fmt='png'" fig-neighbours-degree.gp
_dir(s, i) = i < 1 ? "." : (s[i:i] eq "/" ? (i > 1 ? s[1:i-1] : "/") : _dir(s, i - 1))
if (!exists("reportsdir")) reportsdir = _dir(ARG0, strlen(ARG0))
figname = "fig-neighbours-degree"
figtitle = "Neighbour graph: classes by degree"
figkind = "structure"
inputs = "neighbours_degree.tsv"
load reportsdir."/style.gp"

F = infile("neighbours_degree.tsv")
set logscale xy
set format x "10^{%T}"
set format y "10^{%T}"
set xrange [0.8:*]
set yrange [0.7:*]
set xlabel "degree: neighbour classes one edit away (log scale)"
set ylabel "classes with this degree (log scale)"
unset key
plot F u "degree":"classes" w p pt 7 ps 1.1 * psc lc rgb okabe1 notitle
