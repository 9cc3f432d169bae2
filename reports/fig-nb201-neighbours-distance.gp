# fig-nb201-neighbours-distance.gp: distances in the graph of NAS-Bench-201's
# unique cells from sampled sources to every class they reach (breadth-first
# search; no dataset).
# gnuplot -e "datadir='DIR'; outdir='OUT'; fmt='png'" fig-nb201-neighbours-distance.gp
_dir(s, i) = i < 1 ? "." : (s[i:i] eq "/" ? (i > 1 ? s[1:i-1] : "/") : _dir(s, i - 1))
if (!exists("reportsdir")) reportsdir = _dir(ARG0, strlen(ARG0))
figname = "fig-nb201-neighbours-distance"
figtitle = "Neighbour graph of the unique cells: distances"
figkind = "structure"
inputs = "neighbours_distance.tsv"
nb_xlabel = "distance: fewest operation changes between two unique cells"
nb_ylabel = "pairs (source, unique cell) at this distance (%)"
load reportsdir."/style.gp"
load reportsdir."/lib-neighbours-distance.gp"
