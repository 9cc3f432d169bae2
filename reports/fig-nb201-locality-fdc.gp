# fig-nb201-locality-fdc.gp: fitness-distance relation of NAS-Bench-201: the
# fitness of the cells at each edit distance from the best cell, with how
# many cells lie there.
# gnuplot -e "datadir='DIR'; outdir='OUT'; fmt='png'" fig-nb201-locality-fdc.gp
_dir(s, i) = i < 1 ? "." : (s[i:i] eq "/" ? (i > 1 ? s[1:i-1] : "/") : _dir(s, i - 1))
if (!exists("reportsdir")) reportsdir = _dir(ARG0, strlen(ARG0))
figname = "fig-nb201-locality-fdc"
figtitle = "Fitness against edit distance to the best cell"
figkind = "data"
inputs = "locality_fdc.tsv locality.json"
nrequired = 1
load reportsdir."/style.gp"

F = infile("locality_fdc.tsv")
fit = json_str(infile("locality.json"), "fitness_metric")
fit = fit ne "" ? fit : "fitness"
stats F u "distance" nooutput name "D"
set xrange [D_min - 0.7:D_max + 0.7]
set xtics 1
set border 11
set y2tics nomirror
set logscale y2
set format y2 "10^{%T}"
set y2range [0.5:*]
set offsets 0, 0, graph 0.08, graph 0.02
set xlabel "edit distance to the cell of best fitness (edges whose operations differ)"
set ylabel fit." (mean over a cell's repeats)" noenhanced
set y2label "cells at this distance (log scale)"
set rmargin 11
set boxwidth 0.7 absolute
set style fill solid 1.0 noborder
set bmargin 8
set key at screen 0.1, screen 0.085 vertical maxrows 2 width 2 noopaque
plot F u "distance":"cells" axes x1y2 w boxes lc rgb "#D9D9D9" title "cells at this distance (right axis)", \
     "" u "distance":"max_fitness" w lp lt 3 title "best cell at this distance", \
     "" u "distance":"mean_fitness" w lp lt 1 title "mean over the cells at this distance"
