# fig-noise-ecdf.gp: ECDF of each cell's noise (standard deviation of the
# final test accuracy over its repeats), one curve per epoch budget
# (NAS-Bench-101 paper, Fig. 2 right).
# gnuplot -e "datadir='DIR'; outdir='OUT'; fmt='png'" fig-noise-ecdf.gp
_dir(s, i) = i < 1 ? "." : (s[i:i] eq "/" ? (i > 1 ? s[1:i-1] : "/") : _dir(s, i - 1))
if (!exists("reportsdir")) reportsdir = _dir(ARG0, strlen(ARG0))
figname = "fig-noise-ecdf"
figtitle = "Noise of test accuracy over repeats, per epoch budget"
figkind = "data"
inputs = "noise_ecdf.tsv"
load reportsdir."/style.gp"

F = infile("noise_ecdf.tsv")
H = header[1]
# columns after "fraction" are eEPOCHS, one per budget of the dataset
stats F u (column(words(H))) nooutput name "S"
smax = S_max
do for [i = 2:words(H)] {
    stats F u (column(i)) nooutput name "S"
    smax = S_max > smax ? S_max : smax
}
if (!(smax > 0)) {
    reason = "every cell's repeats agree exactly (no positive standard deviation)"
    eval NODATA
}
set logscale x
set format x "10^{%T}"
set yrange [0:1]
set ytics 0.1
set mytics 2
set xlabel "standard deviation of a cell's final test accuracy over its repeats (percentage points, log scale)"
set ylabel "fraction of cells with at most this noise"
set key top left
plot for [i = 2:words(H)] F u (column(i) > 0 ? 100 * column(i) : NaN):"fraction" \
     w l lt (i - 1) title sprintf("%s epochs", word(H, i)[2:])
