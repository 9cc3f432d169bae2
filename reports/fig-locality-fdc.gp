# fig-locality-fdc.gp: fitness-distance relation: accuracy of the classes at
# each edit distance from the best class, with how many classes lie there.
# gnuplot -e "datadir='DIR'; outdir='OUT'; fmt='png'" fig-locality-fdc.gp
_dir(s, i) = i < 1 ? "." : (s[i:i] eq "/" ? (i > 1 ? s[1:i-1] : "/") : _dir(s, i - 1))
if (!exists("reportsdir")) reportsdir = _dir(ARG0, strlen(ARG0))
figname = "fig-locality-fdc"
figtitle = "Accuracy against edit distance to the best cell"
figkind = "data"
inputs = "locality_fdc.tsv"
load reportsdir."/style.gp"

F = infile("locality_fdc.tsv")
stats F u "distance" nooutput name "D"
set xrange [D_min - 0.7:D_max + 0.7]
set xtics 1
set border 11
set y2tics nomirror
set logscale y2
set format y2 "10^{%T}"
set y2range [0.5:*]
set offsets 0, 0, graph 0.08, graph 0.02
set xlabel "edit distance to the class of best validation accuracy (Hamming distance of raw encodings)"
set ylabel "validation accuracy at 108 epochs (%)"
set y2label "classes at this distance (log scale)"
set rmargin 11
set boxwidth 0.7 absolute
set style fill solid 1.0 noborder
set bmargin 8
set key at screen 0.1, screen 0.085 vertical maxrows 2 width 2 noopaque
plot F u "distance":"classes" axes x1y2 w boxes lc rgb "#D9D9D9" title "classes at this distance (right axis)", \
     "" u "distance":(100 * column("max_validation")) w lp lt 3 title "best class at this distance", \
     "" u "distance":(100 * column("mean_validation")) w lp lt 1 title "mean over the classes at this distance"
