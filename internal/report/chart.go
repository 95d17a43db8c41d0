package report

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/clusterbench/clusterbench/internal/faulttolerance"
)

// The scatter chart in the HTML report: monthly cost (y) against control-plane failures
// tolerated (x), one marker per evaluated stack; the marker's shape and colour say
// whether the stack survives losing a zone.

// Chart geometry, in SVG user units.
const (
	chartWidth, chartHeight = 820.0, 440.0
	plotLeft, plotRight     = 90.0, 640.0 // the right margin holds labels of the last column and the legend
	plotTop, plotBottom     = 30.0, 380.0
	labelGap                = 15.0 // minimum vertical distance between two labels in one column
	yTickCount              = 5
)

// chartView is what the template needs to draw the chart.
type chartView struct {
	Width, Height                        float64
	PlotLeft, PlotRight, PlotTop, Bottom float64
	XTicks, YTicks                       []chartTick
	Points                               []chartPoint
	Left                                 []string // stacks left off the chart, and why
}

type chartTick struct {
	Pos   float64
	Label string
}

type chartPoint struct {
	X, Y, LabelY float64
	Survives     bool
	Stack, Tips  string
}

// scatterChart places every evaluated stack; the others are listed in Left.
func scatterChart(c *Comparison) chartView {
	v := chartView{Width: chartWidth, Height: chartHeight, PlotLeft: plotLeft, PlotRight: plotRight, PlotTop: plotTop, Bottom: plotBottom}
	var plotted []*Stack
	for i := range c.Stacks {
		st := &c.Stacks[i]
		if st.Status != StatusOK || st.FaultTolerance == nil {
			v.Left = append(v.Left, fmt.Sprintf("%s (%s)", st.Stack, leftOffReason(st)))
			continue
		}
		plotted = append(plotted, st)
	}
	maxFailures, maxCost := chartExtent(plotted)
	x := func(f int) float64 { return plotLeft + (float64(f)+0.5)*(plotRight-plotLeft)/float64(maxFailures+1) }
	y := func(usd float64) float64 { return plotBottom - usd/maxCost*(plotBottom-plotTop) }
	for f := 0; f <= maxFailures; f++ {
		v.XTicks = append(v.XTicks, chartTick{Pos: x(f), Label: fmt.Sprint(f)})
	}
	for i := 0; i <= yTickCount; i++ {
		usd := maxCost * float64(i) / yTickCount
		v.YTicks = append(v.YTicks, chartTick{Pos: y(usd), Label: strings.TrimSuffix(Money(usd), ".00")})
	}
	for _, st := range plotted {
		ft := st.FaultTolerance
		v.Points = append(v.Points, chartPoint{
			X: x(ft.ControlPlaneFailuresTolerated), Y: y(max(st.MonthlyCostUSD, 0)),
			Survives: ft.ZoneLossSurvivable, Stack: st.Stack,
			Tips: fmt.Sprintf("%s: %s per month, tolerates %d control-plane failure(s), zone loss survivable: %s",
				st.Stack, StackCost(st), ft.ControlPlaneFailuresTolerated, faulttolerance.ZoneLossAnswer(ft)),
		})
	}
	spreadLabels(v.Points)
	return v
}

// leftOffReason says why a stack has no point on the chart.
func leftOffReason(st *Stack) string {
	if st.Status == StatusOK {
		return "no fault-tolerance assessment"
	}
	return StatusText(st.Status)
}

// chartExtent is the x range (at least 0..2) and a round top for the cost axis.
func chartExtent(stacks []*Stack) (maxFailures int, maxCost float64) {
	maxFailures = 2
	for _, st := range stacks {
		maxFailures = max(maxFailures, st.FaultTolerance.ControlPlaneFailuresTolerated)
		maxCost = max(maxCost, st.MonthlyCostUSD)
	}
	return maxFailures, niceCeiling(maxCost)
}

// niceCeiling rounds up to 1, 2, 2.5 or 5 times a power of ten times yTickCount, so the
// axis ticks fall on round amounts.
func niceCeiling(v float64) float64 {
	if v <= 0 {
		return 100
	}
	step := v / yTickCount
	magnitude := math.Pow(10, math.Floor(math.Log10(step)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*magnitude >= step {
			return m * magnitude * yTickCount
		}
	}
	return 10 * magnitude * yTickCount
}

// spreadLabels keeps the labels of points in one column apart: from the top down, a
// label that would overlap the one above moves down.
func spreadLabels(points []chartPoint) {
	order := make([]int, len(points))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(points[a].X, points[b].X), cmp.Compare(points[a].Y, points[b].Y))
	})
	for k, i := range order {
		points[i].LabelY = points[i].Y + 4
		if k > 0 {
			prev := points[order[k-1]]
			if prev.X == points[i].X && points[i].LabelY < prev.LabelY+labelGap {
				points[i].LabelY = prev.LabelY + labelGap
			}
		}
	}
}
