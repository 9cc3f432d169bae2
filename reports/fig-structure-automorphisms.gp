# fig-structure-automorphisms.gp: the classes of the search space by the size
# of their automorphism group (labelled cell, input and output fixed; exact,
# no dataset).
# gnuplot -e "datadir='DIR'; outdir='OUT'; fmt='png'" fig-structure-automorphisms.gp
_dir(s, i) = i < 1 ? "." : (s[i:i] eq "/" ? (i > 1 ? s[1:i-1] : "/") : _dir(s, i - 1))
if (!exists("reportsdir")) reportsdir = _dir(ARG0, strlen(ARG0))
figname = "fig-structure-automorphisms"
figtitle = "Cells of the search space by automorphism group size"
figkind = "structure"
inputs = "structure_automorphisms.tsv"
load reportsdir."/style.gp"

F = infile("structure_automorphisms.tsv")
set logscale y
set format y "10^{%T}"
set yrange [0.5:*]
set offsets 0.6, 0.6, graph 0.12, 0
set boxwidth 0.6 absolute
set style fill solid 1.0 border lc rgb "#333333"
set xlabel "automorphisms of the labelled cell (group size; categories, not to scale)"
set ylabel "classes (unique cells, log scale)"
unset key
# one bar per group size, evenly spaced, labelled with the size; each bar
# is labelled with its classes and their share (the ecdf column's step)
prev = 0
plot F u 0:"classes":xtic(sprintf("%d", column("automorphisms"))) w boxes lc rgb okabe1 notitle, \
     "" u 0:"classes":(share = 100 * (column("ecdf") - prev), prev = column("ecdf"), \
                       sprintf("%d (%.3g %%)", column("classes"), share)) \
       w labels offset 0,0.8 font ",11" notitle
