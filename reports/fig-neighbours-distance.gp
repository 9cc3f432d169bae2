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
nb_xlabel = "distance: fewest single edits between two classes"
nb_ylabel = "pairs (source, class) at this distance (%)"
load reportsdir."/style.gp"
load reportsdir."/lib-neighbours-distance.gp"
