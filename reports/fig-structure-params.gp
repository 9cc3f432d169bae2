# fig-structure-params.gp: trainable parameters of the networks the classes
# of the search space build (exact; no dataset): histogram in log-spaced
# bins and the cumulative fraction.
# gnuplot -e "datadir='DIR'; outdir='OUT'; fmt='png'" fig-structure-params.gp
_dir(s, i) = i < 1 ? "." : (s[i:i] eq "/" ? (i > 1 ? s[1:i-1] : "/") : _dir(s, i - 1))
if (!exists("reportsdir")) reportsdir = _dir(ARG0, strlen(ARG0))
figname = "fig-structure-params"
figtitle = "Trainable parameters of the cells' networks"
figkind = "structure"
inputs = "structure_params_hist.tsv structure_params_ecdf.tsv"
nrequired = 1
load reportsdir."/style.gp"

H = infile("structure_params_hist.tsv")
C = infile("structure_params_ecdf.tsv")
set logscale x
set format x "10^{%T}"
set border 11
set xlabel "trainable parameters of the whole network (log scale)"
set ylabel "classes per bin (10 bins per decade)"
set y2label "fraction of classes with at most this many parameters"
set y2range [0:1]
set y2tics 0.1 nomirror
set yrange [0:*]
set rmargin 11
set style fill solid 0.8 border lc rgb "#333333"
set key top left
ECDF = nrows[2] < 1 ? "" : \
    ', C u "trainable_parameters":"ecdf" axes x1y2 w steps lt 2 lw 2.5 title "cumulative fraction (right axis)"'
eval 'plot H u (sqrt(column("bin_lo") * column("bin_hi"))):"classes":(column("bin_lo")):(column("bin_hi")):(0):"classes" w boxxyerror lc rgb okabe1 title "classes per bin"' . ECDF
