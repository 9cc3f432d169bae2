# fig-multiplicity.gp: how many raw 7-vertex encodings (adjacency bits and
# op labels before pruning) land in each class (exact; no dataset): classes
# by multiplicity, and the cumulative share of classes and of encodings.
# gnuplot -e "datadir='DIR'; outdir='OUT'; fmt='png'" fig-multiplicity.gp
_dir(s, i) = i < 1 ? "." : (s[i:i] eq "/" ? (i > 1 ? s[1:i-1] : "/") : _dir(s, i - 1))
if (!exists("reportsdir")) reportsdir = _dir(ARG0, strlen(ARG0))
figname = "fig-multiplicity"
figtitle = "Raw encodings per class (multiplicity)"
figkind = "structure"
inputs = "multiplicity_hist.tsv multiplicity_ecdf.tsv"
load reportsdir."/style.gp"

H = infile("multiplicity_hist.tsv")
C = infile("multiplicity_ecdf.tsv")
set multiplot
eval MPTITLE
set tmargin at screen 0.84
set bmargin at screen 0.12
set logscale x 2
set format x "2^{%L}"

# left: classes and encodings per power-of-two bin
set lmargin at screen 0.09
set rmargin at screen 0.51
set logscale y
set format y "10^{%T}"
set yrange [0.5:*]
set xrange [0.7:*]
set xtics 2 ** 4
set style fill solid 0.8 border lc rgb "#333333"
set xlabel "multiplicity: raw encodings landing in the class (power-of-two bins)"
set ylabel "count per bin (log scale)"
set key top left
set offsets 0, 0, graph 0.1, 0
plot H u (sqrt(column("bin_lo") * (column("bin_hi") + 1))):"classes":(column("bin_lo")):(column("bin_hi") + 1):(0.5):"classes" \
       w boxxyerror lc rgb okabe1 title "classes", \
     "" u (sqrt(column("bin_lo") * (column("bin_hi") + 1))):"encodings" w p pt 9 ps 1.3 * psc lc rgb okabe2 title "raw encodings in them"
eval MPTITLE_OFF

# right: cumulative fractions
set lmargin at screen 0.6
set rmargin at screen 0.97
unset logscale y
set format y "%g"
set yrange [0:1]
set ytics 0.1
set xlabel "multiplicity (log scale)"
set ylabel "fraction at or below this multiplicity"
set offsets 0, 0, 0, 0
set key at graph 0.16, graph 0.64 noopaque
plot C u "multiplicity":"ecdf" w steps lt 1 title "classes", \
     "" u "multiplicity":"encodings_ecdf" w steps lt 2 title "valid encodings"
unset multiplot
