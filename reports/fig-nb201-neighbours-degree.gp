# fig-nb201-neighbours-degree.gp: degree distribution of the graph of
# NAS-Bench-201's unique cells (the API's classes), two adjacent when one
# edge's operation changed turns a cell of one into a cell of the other (no
# dataset).
# gnuplot -e "datadir='DIR'; outdir='OUT'; fmt='png'" fig-nb201-neighbours-degree.gp
_dir(s, i) = i < 1 ? "." : (s[i:i] eq "/" ? (i > 1 ? s[1:i-1] : "/") : _dir(s, i - 1))
if (!exists("reportsdir")) reportsdir = _dir(ARG0, strlen(ARG0))
figname = "fig-nb201-neighbours-degree"
figtitle = "Neighbour graph of the unique cells: degrees"
figkind = "structure"
inputs = "neighbours_degree.tsv"
nb_xlabel = "degree: unique cells one edge's operation away (log scale)"
nb_ylabel = "unique cells with this degree (log scale)"
load reportsdir."/style.gp"
load reportsdir."/lib-neighbours-degree.gp"
