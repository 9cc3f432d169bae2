# lib-optima.gp: local optima and their basins, shared by fig-optima.gp
# (NAS-Bench-101) and fig-nb201-optima.gp.  Loaded after style.gp; the
# caller sets opt_column (the optimum's fitness column of optima.tsv),
# opt_scale (its factor to the axis' unit), opt_xlabel, opt_ylabel and
# opt_basin_label.  Reads optima.tsv (strict, basin_size, the fitness) and
# optima_basins.tsv (basin_size, optima).

F = infile("optima.tsv")
B = infile("optima_basins.tsv")
set multiplot
eval MPTITLE
set tmargin at screen 0.84
set bmargin at screen 0.12

# left: accuracy of each optimum against its basin size
set lmargin at screen 0.09
set rmargin at screen 0.53
set logscale y
set format y "10^{%T}"
set yrange [0.7:*]
set xlabel opt_xlabel noenhanced
set ylabel opt_ylabel
set key top left
plot F u (column("strict") == 1 ? opt_scale * column(opt_column) : NaN):"basin_size" w p pt 7 ps 0.5 * psc lc rgb okabe1 title "strict optimum", \
     "" u (column("strict") != 1 ? opt_scale * column(opt_column) : NaN):"basin_size" w p pt 5 ps 0.8 * psc lc rgb okabe2 title "plateau (a neighbour ties)"
eval MPTITLE_OFF

# right: number of optima by basin size
set lmargin at screen 0.62
set rmargin at screen 0.97
set logscale xy
set format x "10^{%T}"
set xrange [0.7:*]
# room above the most common basin size (all 1 when every basin differs)
stats B u "optima" nooutput name "OB"
set yrange [0.7:OB_max * 3]
set xlabel opt_basin_label
set ylabel "local optima with this basin size"
unset key
plot B u "basin_size":"optima" w p pt 7 ps 0.8 * psc lc rgb okabe1 notitle
unset multiplot
