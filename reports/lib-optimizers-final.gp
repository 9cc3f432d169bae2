# lib-optimizers-final.gp: ECDF of the final regret of each simulated NAS
# optimiser's runs; shared by fig-optimizers-final.gp (NAS-Bench-101) and
# fig-nb201-optimizers-final.gp.  Loaded after style.gp; the caller sets
# reg_scale (the regret's factor to percentage points) and reg_xlabel.
# Reads optimizers_ecdf.tsv: fraction, then one column per method.

F = infile("optimizers_ecdf.tsv")
H = header[1]
pretty(m) = m eq "random" ? "random search" : m eq "evolution" ? "regularized evolution" : \
            m eq "local" ? "local search" : m eq "reinforce" ? "REINFORCE" : \
            m eq "bohb" ? "BOHB" : m eq "smac" ? "SMAC" : m eq "hb" ? "Hyperband" : m
# regret in percentage points; zero regret is drawn on the floor of the log
# axis, whose tick reads "≤ floor"
floor_pp = 0.01
clip(v) = v < floor_pp ? floor_pp : v
hi = floor_pp
do for [i = 2:words(H)] {
    S_max = 0
    stats F u (reg_scale * column(i)) nooutput name "S"
    hi = S_max > hi ? S_max : hi
}
set logscale x
set xrange [floor_pp:(hi > 1 ? 10 ** ceil(log10(hi)) : 1)]
set xtics add ("≤ 0.01" floor_pp)
set mxtics 10
set yrange [0:1]
set ytics 0.1
set mytics 2
set xlabel reg_xlabel noenhanced
set ylabel "fraction of runs with at most this regret"
set key bottom right
plot for [i = 2:words(H)] F u (clip(reg_scale * column(i))):"fraction" w steps lt (i - 1) title pretty(word(H, i))
