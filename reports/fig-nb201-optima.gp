# fig-nb201-optima.gp: local optima of the NAS-Bench-201 cells' fitness on
# the cell graph (no cell one operation change away is better): each
# optimum's fitness against its basin under steepest ascent, and how basin
# sizes spread.
# gnuplot -e "datadir='DIR'; outdir='OUT'; fmt='png'" fig-nb201-optima.gp
_dir(s, i) = i < 1 ? "." : (s[i:i] eq "/" ? (i > 1 ? s[1:i-1] : "/") : _dir(s, i - 1))
if (!exists("reportsdir")) reportsdir = _dir(ARG0, strlen(ARG0))
figname = "fig-nb201-optima"
figtitle = "Local optima of the fitness and their basins"
figkind = "data"
inputs = "optima.tsv optima_basins.tsv optima.json"
nrequired = 2
nodata_hint = "no cell with data has a neighbour with data: the data are too sparse"
load reportsdir."/style.gp"

fit = json_str(infile("optima.json"), "fitness_metric")
opt_column = "fitness"
opt_scale = 1
opt_xlabel = "fitness of the local optimum".(fit ne "" ? ": ".fit : "")
opt_ylabel = "basin size (cells whose steepest ascent ends there)"
opt_basin_label = "basin size (cells)"
load reportsdir."/lib-optima.gp"
