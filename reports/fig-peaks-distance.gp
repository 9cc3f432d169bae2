# fig-peaks-distance.gp: fraction of the raw encoding space within edit
# distance d of an encoding of a top cell (NAS-Bench-101 paper, Fig. 6 right).
# gnuplot -e "datadir='DIR'; outdir='OUT'; fmt='png'" fig-peaks-distance.gp
_dir(s, i) = i < 1 ? "." : (s[i:i] eq "/" ? (i > 1 ? s[1:i-1] : "/") : _dir(s, i - 1))
if (!exists("reportsdir")) reportsdir = _dir(ARG0, strlen(ARG0))
figname = "fig-peaks-distance"
figtitle = "Share of the encoding space near a top cell"
figkind = "data"
inputs = "peaks_distance.tsv"
load reportsdir."/style.gp"

F = infile("peaks_distance.tsv")
stats F u "distance" nooutput name "D"
set xrange [0:D_max]
set xtics 1
set yrange [0:100]
set ytics 10
set xlabel "edit distance d (Hamming distance between raw 7-vertex encodings)"
set ylabel "encodings within distance d of a top cell (%)"
set key top left
plot F u "distance":(100 * column("fraction_within")) w lp lt 1 title "all raw encodings, valid or not", \
     "" u "distance":(100 * column("fraction_valid_within")) w lp lt 2 title "valid encodings", \
     "" u "distance":(100 * column("fraction_valid_paths_within")) w lp lt 3 title "valid encodings, paths through valid ones only"
