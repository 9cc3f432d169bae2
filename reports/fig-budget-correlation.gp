# fig-budget-correlation.gp: Spearman rank correlation of mean validation
# accuracy between every pair of epoch budgets, over all cells and over the
# top 50/10/1 % (NAS-Bench-101 paper, supplement).
# gnuplot -e "datadir='DIR'; outdir='OUT'; fmt='png'" fig-budget-correlation.gp
_dir(s, i) = i < 1 ? "." : (s[i:i] eq "/" ? (i > 1 ? s[1:i-1] : "/") : _dir(s, i - 1))
if (!exists("reportsdir")) reportsdir = _dir(ARG0, strlen(ARG0))
figname = "fig-budget-correlation"
figtitle = "Rank correlation of validation accuracy between epoch budgets"
figkind = "data"
inputs = "budget_correlation.tsv"
load reportsdir."/style.gp"

F = infile("budget_correlation.tsv")
# nb budgets (ix, iy in 0..nb-1); each subset is a block of nb*nb rows
stats F u "ix" nooutput name "I"
nb = int(I_max) + 1
stats F u ((column("ix") < column("iy")) ? 1 : 0) nooutput name "P"
if (P_sum < 1) {
    reason = "budget_correlation.tsv covers one epoch budget only\n(there is no pair of budgets to correlate)"
    eval NODATA
}
np = nb * (nb - 1) / 2
# column of the pair (ix < iy) in the order 4-12, 4-36, 4-108, 12-36, ...
pairx(i, j) = i * nb - i * (i + 1) / 2 + (j - i - 1)
row(r) = int(r / (nb * nb))
ns = row(nrows[1] - 1) + 1
stats F u (column("ix") < column("iy") ? column("spearman") : NaN) nooutput name "S"
set cbrange [(S_min < 0 ? -1 : 0):1]
set cblabel "Spearman rank correlation" offset 1.2,0
set rmargin at screen 0.855
set lmargin at screen 0.2
set xrange [-0.5:np - 0.5]
set yrange [ns - 0.5:-0.5]
set border 0
unset grid
set tics scale 0
set xtics rotate by 0
set xlabel "pair of epoch budgets compared (epochs)"
set ylabel ""
# dark text on the light end of the palette, white on the dark end
tcol(v) = v > (S_min < 0 ? 0.2 : 0.6) ? 0x000000 : 0xFFFFFF
ok(r) = column("ix") < column("iy")
# tick labels: the budget pairs and the subsets, read from the file
AWKX = '!/^#/ && h++ && $3 < $4 && !s[$3 " " $4]++ {printf "%s\"%s vs %s\" %d", (k ? ", " : ""), $5, $6, $3 * nb - $3 * ($3 + 1) / 2 + ($4 - $3 - 1); k++}'
AWKY = '!/^#/ && h++ && !s[$1]++ {printf "%s\"top %s %%%%\\n(%s cells)\" %d", (k ? ", " : ""), $1, $2, k; k++}'
XT = system("awk -F'\t' -v nb=".nb." '".AWKX."' ".shq(F))
YT = system("awk -F'\t' '".AWKY."' ".shq(F))
eval "set xtics (".XT.")"
eval "set ytics (".YT.")"
plot F u (ok(0) ? pairx(column("ix"), column("iy")) : NaN):(row($0)):(0.5):(0.5):(column("spearman")) \
       w boxxyerror fc palette z notitle, \
     "" u (ok(0) ? pairx(column("ix"), column("iy")) : NaN):(row($0)):(sprintf("%.2f", column("spearman"))):(tcol(column("spearman"))) \
       w labels tc rgb variable font ",14" notitle
