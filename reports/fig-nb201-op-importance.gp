# fig-nb201-op-importance.gp: mean change in the fitness when one edge's
# operation X of a NAS-Bench-201 cell becomes Y, as a 5 x 5 map (rows X,
# columns Y) read from op_importance.tsv.
# gnuplot -e "datadir='DIR'; outdir='OUT'; fmt='png'" fig-nb201-op-importance.gp
_dir(s, i) = i < 1 ? "." : (s[i:i] eq "/" ? (i > 1 ? s[1:i-1] : "/") : _dir(s, i - 1))
if (!exists("reportsdir")) reportsdir = _dir(ARG0, strlen(ARG0))
figname = "fig-nb201-op-importance"
figtitle = "Mean change in fitness when one edge's operation is replaced"
figkind = "data"
inputs = "op_importance.tsv op_importance.json"
nrequired = 1
load reportsdir."/style.gp"

F = infile("op_importance.tsv")
metric = json_str(infile("op_importance.json"), "fitness_metric")
metric = metric ne "" ? metric : "fitness"
opi(s) = s eq "none" ? 0 : s eq "skip" ? 1 : s eq "conv1x1" ? 2 : s eq "conv3x3" ? 3 : s eq "avgpool3x3" ? 4 : NaN
M_max = 1; M_min = -1
stats F u "delta_fitness_mean" nooutput name "M"
m = abs(M_max) > abs(M_min) ? abs(M_max) : abs(M_min)
m = m > 0 ? m : 1
# diverging, symmetric about zero (ColorBrewer RdBu, safe for the common
# colour-vision deficiencies): blue helps, red hurts
set palette defined (-1 "#B2182B", -0.5 "#EF8A62", -0.15 "#FDDBC7", 0 "#F7F7F7", \
    0.15 "#D1E5F0", 0.5 "#67A9CF", 1 "#2166AC")
set cbrange [-m:m]
set cblabel sprintf("mean change in %s (after minus before)", metric) noenhanced
set colorbox user origin screen 0.86, screen 0.14 size screen 0.025, screen 0.68
set xrange [-0.5:4.5]
set yrange [4.5:-0.5]
set size ratio -1
set lmargin at screen 0.22
set rmargin at screen 0.8
set xtics ("none" 0, "skip" 1, "conv 1x1" 2, "conv 3x3" 3, "avg pool 3x3" 4) scale 0
set ytics ("none" 0, "skip" 1, "conv 1x1" 2, "conv 3x3" 3, "avg pool 3x3" 4) scale 0
unset grid
set border 0
set xlabel "operation after (Y)"
set ylabel "operation before (X)"
unset key
ink(v) = abs(v) > 0.6 * m ? 0xFFFFFF : 0x000000
plot F u (opi(strcol("to"))):(opi(strcol("from"))):(0.5):(0.5):"delta_fitness_mean" w boxxyerror fc palette fs solid 1.0 noborder notitle, \
     "" u (opi(strcol("to"))):(opi(strcol("from"))):(sprintf("%+.2f", column("delta_fitness_mean"))):(ink(column("delta_fitness_mean"))) w labels tc rgb variable font ",13" notitle
