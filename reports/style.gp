# reports/style.gp: the style every cellscape report figure shares, and the
# checks of its input files.  Loaded by each fig-NAME.gp, which sets first:
#
#   figname   "fig-NAME": the output is OUTDIR/fig-NAME.FMT
#   figtitle  the title drawn above the plot
#   figkind   "data" or "structure"
#   inputs    the TSV files it reads, blank-separated, required ones first
#   nrequired how many of the leading inputs must hold data rows (default:
#             all)
#   nodata_hint  optional: why a required input may hold no rows
#
# The caller may set, with gnuplot -e "...":
#   datadir   directory of the TSV files (default ".")
#   outdir    where the figure goes (default: datadir)
#   fmt       "png" or "svg" (default "png")
#   synthetic 0 or 1: overrides the detection below
#
# A data figure is labelled SYNTHETIC DATA when the "# data:" comment line of
# any of its inputs says SYNTHETIC (cellscape analyze writes that line).
# When a required input is missing or has no data rows the figure still gets
# written, saying why, and gnuplot exits 0: a report of a small or partial
# dataset keeps every figure slot.  Scripts must each run in their own gnuplot
# process: that early exit ends the process.

if (!exists("datadir")) datadir = "."
if (!exists("outdir")) outdir = datadir
if (!exists("fmt")) fmt = "png"
if (!exists("figkind")) figkind = "data"
if (!exists("nrequired")) nrequired = words(inputs)

set encoding utf8
if (fmt eq "svg") {
    # font sizes are points; pngcairo draws them at 96 dpi, svg at 72:
    # fontscale 1.25 gives about the same look (gnuplot's svg text-width
    # estimate runs wide, 4/3 crowds labels).  svg draws points larger: every
    # point size is multiplied by psc.
    set terminal svg size 960,640 fixed enhanced font "DejaVu Sans,12" \
        fontscale 1.25 background rgb "white" linewidth 1.3
    psc = 0.7
} else {
    if (fmt ne "png") {
        print sprintf("%s: fmt must be png or svg, not '%s'", figname, fmt)
        exit status 2
    }
    set terminal pngcairo size 960,640 enhanced font "DejaVu Sans,12" \
        background rgb "white" linewidth 1.3
    psc = 1.0
}
# shell quoting for system(), any character allowed; the output directory is
# created when missing
_shq_esc(s) = strstrt(s, "'") == 0 ? s : \
    s[1:strstrt(s, "'") - 1] . "'\\''" . _shq_esc(s[strstrt(s, "'") + 1:])
shq(s) = "'" . _shq_esc(s) . "'"
_mk = system("mkdir -p ".shq(outdir)." 2>&1")
set output outdir."/".figname.".".fmt

# ---- input files ---------------------------------------------------------
# path of an input (shq(), above, quotes it for system()); its data rows
# (the header row not counted; -1 when the file cannot be read) and the
# SYNTHETIC mark, read in one pass; its header row (column names,
# blank-separated for word()).  Scripts then get nrows[i] and header[i] for
# input i.
infile(f) = datadir."/".f
tsv_scan(f) = system(sprintf("if [ -r %s ]; then awk '/^# data:/ && /SYNTHETIC/ {s = 1} !/^#/ && NF {n++} END {print (n > 0 ? n - 1 : 0), s + 0}' %s; else echo -1 0; fi", shq(f), shq(f)))
tsv_header(f) = system(sprintf("awk '!/^#/ && NF {print; exit}' %s 2>/dev/null", shq(f)))
# a string value of a JSON file's key ("" if none), e.g. the metric an
# analysis read, for axis labels
json_str(f, k) = system(sprintf("sed -n 's/.*\"%s\": \"\\([^\"]*\\)\".*/\\1/p' %s 2>/dev/null | head -n 1", k, shq(f)))

ninputs = words(inputs)
array nrows[ninputs > 0 ? ninputs : 1]
array header[ninputs > 0 ? ninputs : 1]
data_synthetic = 0
do for [i = 1:ninputs] {
    _scan = tsv_scan(infile(word(inputs, i)))
    nrows[i] = int(word(_scan, 1))
    header[i] = nrows[i] >= 0 ? tsv_header(infile(word(inputs, i))) : ""
    if (int(word(_scan, 2))) { data_synthetic = 1 }
}
# a script may set nodata_hint: the usual cause of an empty input, added to
# the message on a second line
if (!exists("nodata_hint")) nodata_hint = ""
why(i) = (nrows[i] < 0 ? sprintf("%s is missing\n(looked in %s)", word(inputs, i), datadir) \
                       : sprintf("%s has no data rows", word(inputs, i))) \
         . (nrows[i] == 0 && nodata_hint ne "" ? "\n(".nodata_hint.")" : "")
_firstbad(i) = i > nrequired ? 0 : (nrows[i] < 1 ? i : _firstbad(i + 1))
if (!exists("synthetic")) synthetic = (figkind eq "data") ? data_synthetic : 0

# ---- look ----------------------------------------------------------------
# Okabe-Ito colours (distinct for the common colour-vision deficiencies),
# each with its own dash pattern and point shape so series stay apart in
# greyscale too; yellow (#F0E442) last, it is faint on white.
set linetype 1 lc rgb "#0072B2" lw 2 dt solid       pt 7  ps 1.1 * psc
set linetype 2 lc rgb "#D55E00" lw 2 dt (10,5)      pt 5  ps 1.0 * psc
set linetype 3 lc rgb "#009E73" lw 2 dt (3,4)       pt 9  ps 1.2 * psc
set linetype 4 lc rgb "#E69F00" lw 2 dt (12,4,3,4)  pt 13 ps 1.3 * psc
set linetype 5 lc rgb "#CC79A7" lw 2 dt (6,3,2,3,2,3) pt 11 ps 1.2 * psc
set linetype 6 lc rgb "#56B4E9" lw 2 dt (2,2)       pt 6  ps 1.1 * psc
set linetype 7 lc rgb "#000000" lw 2 dt (16,6)      pt 4  ps 1.1 * psc
set linetype 8 lc rgb "#F0E442" lw 2 dt solid       pt 8  ps 1.1 * psc
set linetype cycle 8
okabe1 = "#0072B2"; okabe2 = "#D55E00"; okabe3 = "#009E73"; okabe4 = "#E69F00"
okabe5 = "#CC79A7"; okabe6 = "#56B4E9"; okabe7 = "#000000"; okabe8 = "#F0E442"

# viridis: perceptually uniform, lightness increases monotonically, so a
# colour map also reads in greyscale and for colour-blind readers
set palette defined (0 "#440154", 1 "#482878", 2 "#3E4A89", 3 "#31688E", \
    4 "#26828E", 5 "#1F9E89", 6 "#35B779", 7 "#6DCD59", 8 "#B4DE2C", 9 "#FDE725")
set palette maxcolors 0

set border 3 lw 1.2 lc rgb "#333333"
set tics nomirror out scale 0.8
set grid xtics ytics back lt 1 lw 1 lc rgb "#DDDDDD" dt solid
set key inside top left Left reverse spacing 1.15 samplen 2.5 opaque noautotitle
set style fill solid 1.0 noborder
set title figtitle font ",16" noenhanced offset 0,-0.2
set datafile separator tab
set datafile commentschars "#"
set datafile columnheaders
set lmargin 11
set rmargin 4
set bmargin 4.5
set tmargin 4.6

# ---- the SYNTHETIC DATA label: top left of the canvas, above the plot -----
# (a rectangle object, not a boxed label: svg draws text boxes with a filter
# that some viewers ignore)
if (synthetic) {
    set object 999 rectangle from screen 0.01, screen 0.934 to screen 0.24, screen 0.99 \
        front fc rgb "#FFF0F0" fs solid 1.0 border lc rgb "#B00000" lw 1.5
    set label 999 "{/:Bold SYNTHETIC DATA}" at screen 0.0225, screen 0.962 left front \
        textcolor rgb "#B00000" font ",14"
}

# ---- a figure with nothing to plot ---------------------------------------
# usage: reason = "..."; eval NODATA
NODATA = 'unset key; unset border; unset tics; unset grid; unset colorbox; ' . \
    'unset xlabel; unset ylabel; unset y2label; unset x2label; unset logscale; ' . \
    'set xrange [0:1]; set yrange [0:1]; ' . \
    'set label 998 "no data for this figure: ".reason at graph 0.5, graph 0.55 center front noenhanced font ",15"; ' . \
    'plot 2 notitle; unset output; exit gnuplot'

if (_firstbad(1) > 0) { reason = why(_firstbad(1)); eval NODATA }

# ---- multiplot figures: the figure title as a label, placed like a title --
# usage: eval MPTITLE before the first panel (panels keep their top edge at
# or below screen 0.86); eval MPTITLE_OFF after it, so it is drawn once
MPTITLE = 'unset title; set label 997 figtitle at screen 0.5, screen 0.905 center front font ",16" noenhanced'
MPTITLE_OFF = 'unset label 997; unset label 999; unset object 999'
