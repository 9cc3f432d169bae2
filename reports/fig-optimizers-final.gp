# fig-optimizers-final.gp: ECDF of the final test regret of each simulated
# NAS optimiser's runs at the end of the time budget (NAS-Bench-101 paper,
# Fig. 7 right).
# gnuplot -e "datadir='DIR'; outdir='OUT'; fmt='png'" fig-optimizers-final.gp
_dir(s, i) = i < 1 ? "." : (s[i:i] eq "/" ? (i > 1 ? s[1:i-1] : "/") : _dir(s, i - 1))
if (!exists("reportsdir")) reportsdir = _dir(ARG0, strlen(ARG0))
figname = "fig-optimizers-final"
figtitle = "Final test regret of the NAS optimisers' runs"
figkind = "data"
inputs = "optimizers_ecdf.tsv"
reg_scale = 100
reg_xlabel = "final test regret at the end of the time budget (percentage points, log scale)"
load reportsdir."/style.gp"
load reportsdir."/lib-optimizers-final.gp"
