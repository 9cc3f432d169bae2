# fig-nb201-optimizers-regret.gp: regret of the simulated NAS optimisers on
# NAS-Bench-201 against the simulated cost (the cost metric, or queries),
# mean and quartile band over the runs, log-log.
# gnuplot -e "datadir='DIR'; outdir='OUT'; fmt='png'" fig-nb201-optimizers-regret.gp
_dir(s, i) = i < 1 ? "." : (s[i:i] eq "/" ? (i > 1 ? s[1:i-1] : "/") : _dir(s, i - 1))
if (!exists("reportsdir")) reportsdir = _dir(ARG0, strlen(ARG0))
figname = "fig-nb201-optimizers-regret"
figtitle = "Regret of the NAS optimisers against simulated cost"
figkind = "data"
inputs = "optimizers_regret.tsv optimizers.json"
nrequired = 1
load reportsdir."/style.gp"

# the cost is the first column: queries, or the sum of the cost metric
# over the queries
xname = word(header[1], 1)
cost = json_str(infile("optimizers.json"), "cost_metric")
reg_scale = 1
reg_xlabel = xname eq "queries" ? "queries: cells evaluated (log scale)" : \
             "simulated cost: sum of ".(cost ne "" ? cost : xname)." over the queries (log scale)"
reg_ylabel = "regret of the score (percentage points for accuracies, log scale)"
load reportsdir."/lib-optimizers-regret.gp"
