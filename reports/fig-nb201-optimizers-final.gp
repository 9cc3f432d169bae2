# fig-nb201-optimizers-final.gp: ECDF of the final regret of each simulated
# NAS optimiser's runs on NAS-Bench-201 at the end of the cost budget.
# gnuplot -e "datadir='DIR'; outdir='OUT'; fmt='png'" fig-nb201-optimizers-final.gp
_dir(s, i) = i < 1 ? "." : (s[i:i] eq "/" ? (i > 1 ? s[1:i-1] : "/") : _dir(s, i - 1))
if (!exists("reportsdir")) reportsdir = _dir(ARG0, strlen(ARG0))
figname = "fig-nb201-optimizers-final"
figtitle = "Final regret of the NAS optimisers' runs"
figkind = "data"
inputs = "optimizers_ecdf.tsv"
reg_scale = 1
reg_xlabel = "final regret of the score at the end of the budget (percentage points for accuracies, log scale)"
load reportsdir."/style.gp"
load reportsdir."/lib-optimizers-final.gp"
