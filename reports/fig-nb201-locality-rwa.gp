# fig-nb201-locality-rwa.gp: random-walk autocorrelation of the NAS-Bench-201
# cells' fitness and score against the number of single edits (one edge's
# operation changed) between the two cells of the walk.
# gnuplot -e "datadir='DIR'; outdir='OUT'; fmt='png'" fig-nb201-locality-rwa.gp
_dir(s, i) = i < 1 ? "." : (s[i:i] eq "/" ? (i > 1 ? s[1:i-1] : "/") : _dir(s, i - 1))
if (!exists("reportsdir")) reportsdir = _dir(ARG0, strlen(ARG0))
figname = "fig-nb201-locality-rwa"
figtitle = "Random-walk autocorrelation of the results (locality)"
figkind = "data"
inputs = "locality_rwa.tsv locality.json"
nrequired = 1
load reportsdir."/style.gp"

F = infile("locality_rwa.tsv")
J = infile("locality.json")
fit = json_str(J, "fitness_metric")
sco = json_str(J, "score_metric")
R_min = 0
stats F u "rwa_fitness" nooutput name "R"
set yrange [(R_min < 0 ? floor(R_min * 10) / 10.0 : 0):1.02]
set xrange [0:*]
set ytics 0.1
set mytics 2
set arrow 1 from graph 0, first 0 to graph 1, first 0 nohead lc rgb "#777777" lw 1 back
set xlabel "shift: single edits (one edge's operation changed) between the two cells of the walk"
set ylabel "autocorrelation (Pearson r)"
set key at graph 0.97, graph 0.82 right noenhanced
plot F u "shift":"rwa_fitness" w l lt 1 lw 2.5 title "fitness".(fit ne "" ? ": ".fit : ""), \
     "" u "shift":"rwa_score" w l lt 2 title "score".(sco ne "" ? ": ".sco : "")
