# fig-optima.gp: local optima of the neighbour graph (no neighbour has a
# higher mean validation accuracy at 108 epochs): each optimum's accuracy
# against its basin under steepest ascent, and how basin sizes spread.
# gnuplot -e "datadir='DIR'; outdir='OUT'; fmt='png'" fig-optima.gp
_dir(s, i) = i < 1 ? "." : (s[i:i] eq "/" ? (i > 1 ? s[1:i-1] : "/") : _dir(s, i - 1))
if (!exists("reportsdir")) reportsdir = _dir(ARG0, strlen(ARG0))
figname = "fig-optima"
figtitle = "Local optima of validation accuracy and their basins"
figkind = "data"
inputs = "optima.tsv optima_basins.tsv"
nodata_hint = "no class with data has a one-edit neighbour with data: the dataset is too sparse"
opt_column = "mean_validation"
opt_scale = 100
opt_xlabel = "mean validation accuracy of the local optimum (%)"
opt_ylabel = "basin size (classes whose steepest ascent ends there)"
opt_basin_label = "basin size (classes)"
load reportsdir."/style.gp"
load reportsdir."/lib-optima.gp"
