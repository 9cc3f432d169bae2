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
nb_xlabel = "degree: neighbour classes one edit away (log scale)"
nb_ylabel = "classes with this degree (log scale)"
load reportsdir."/style.gp"
load reportsdir."/lib-neighbours-degree.gp"
