# fig-optimizers-regret.gp: mean test regret of the simulated NAS optimisers
# against simulated training time, with the band between the quartiles over
# the runs, log-log (NAS-Bench-101 paper, Fig. 7 left).
# gnuplot -e "datadir='DIR'; outdir='OUT'; fmt='png'" fig-optimizers-regret.gp
_dir(s, i) = i < 1 ? "." : (s[i:i] eq "/" ? (i > 1 ? s[1:i-1] : "/") : _dir(s, i - 1))
if (!exists("reportsdir")) reportsdir = _dir(ARG0, strlen(ARG0))
figname = "fig-optimizers-regret"
figtitle = "Test regret of the NAS optimisers against simulated time"
figkind = "data"
inputs = "optimizers_regret.tsv"
reg_scale = 100
reg_xlabel = "simulated training time (seconds, log scale)"
reg_ylabel = "test regret (percentage points, log scale)"
load reportsdir."/style.gp"
load reportsdir."/lib-optimizers-regret.gp"
