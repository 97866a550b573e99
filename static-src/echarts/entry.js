// The round dashboard's ECharts (static/js/dashboard.js): only what its five charts use — bar and pie
// charts, the cartesian grid, tooltip and legend, drawn as SVG. Built by build.sh into
// static/vendor/echarts/echarts.min.js, which sets window.echarts as the full build does.
import * as echarts from "echarts/core";
import { BarChart, PieChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { SVGRenderer } from "echarts/renderers";

echarts.use([BarChart, PieChart, GridComponent, TooltipComponent, LegendComponent, SVGRenderer]);
window.echarts = echarts;
