package report

import (
	"fmt"
	"html/template"
	"slices"
	"strings"

	"github.com/clusterbench/clusterbench/internal/cost"
)

// Diagram is a stack's architecture picture, drawn from its inventory: SVG for the
// HTML report, Mermaid for Markdown. Not part of the JSON contract.
type Diagram struct {
	SVG     string
	Mermaid string
}

// CategoryCost is one category's share of a stack's monthly cost.
type CategoryCost struct {
	Category   string
	MonthlyUSD float64
}

// Cost categories, in the order the reports show them.
const (
	CategoryControlPlane  = "control plane"
	CategoryWorkers       = "workers"
	CategoryStorage       = "storage"
	CategoryNAT           = "network: NAT"
	CategoryLoadBalancers = "network: load balancers"
	CategoryAddresses     = "network: addresses"
	CategoryTraffic       = "network: traffic"
	CategoryObservability = "observability"
	CategoryOther         = "other"
)

// CostCategories lists the categories with the colour each has in the HTML chart.
var CostCategories = []struct{ Name, Colour string }{
	{CategoryControlPlane, "#2da44e"},
	{CategoryWorkers, "#fb8f44"},
	{CategoryStorage, "#54aeff"},
	{CategoryNAT, "#8250df"},
	{CategoryLoadBalancers, "#a475f9"},
	{CategoryAddresses, "#c297ff"},
	{CategoryTraffic, "#e2c5ff"},
	{CategoryObservability, "#d4a72c"},
	{CategoryOther, "#8c959f"},
}

// CostByCategory sums a stack's cost lines by category, in CostCategories order, the
// empty ones left out. controlPlane tells the machines of the control plane you run from
// the workers (by the line's resource); disks and buckets are storage wherever they are
// attached.
func CostByCategory(lines []cost.Line, controlPlane func(resource string) bool) []CategoryCost {
	sums := map[string]float64{}
	for _, l := range lines {
		sums[costCategory(l, controlPlane)] += l.MonthlyUSD
	}
	var out []CategoryCost
	for _, c := range CostCategories {
		if v, ok := sums[c.Name]; ok && v != 0 {
			out = append(out, CategoryCost{c.Name, v})
		}
	}
	return out
}

// costCategory reads a line's category from its catalog key (<cloud>/<region>/<service>/<item>).
func costCategory(l cost.Line, controlPlane func(string) bool) string {
	parts := strings.SplitN(l.PriceKey, "/", 4)
	if len(parts) < 4 {
		return CategoryOther
	}
	cloud, service, item := parts[0], parts[2], parts[3]
	switch {
	case cloud == "datadog", service == "cloudwatch", service == "logging", service == "monitoring":
		return CategoryObservability
	case service == "eks", service == "gke":
		return CategoryControlPlane
	case service == "ec2", service == "gce":
		if controlPlane != nil && controlPlane(l.Resource) {
			return CategoryControlPlane
		}
		return CategoryWorkers
	case service == "ebs", service == "pd", service == "s3", service == "gcs":
		return CategoryStorage
	case service == "elb", service == "lb":
		return CategoryLoadBalancers
	case service == "cloudnat", service == "vpc" && strings.HasPrefix(item, "nat-gateway"):
		return CategoryNAT
	case service == "vpc" && strings.Contains(item, "ipv4"):
		return CategoryAddresses
	case service == "vpc":
		return CategoryTraffic
	}
	return CategoryOther
}

// sharedWarnings are the warnings every stack has (with more than one stack): the
// reports say them once, not once per column.
func sharedWarnings(c *Comparison) []string {
	if len(c.Stacks) < 2 {
		return nil
	}
	var out []string
	for _, w := range c.Stacks[0].Warnings {
		shared := true
		for _, st := range c.Stacks[1:] {
			if !slices.Contains(st.Warnings, w) {
				shared = false
			}
		}
		if shared && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// ownWarnings are a stack's warnings that not every stack shares.
func ownWarnings(c *Comparison, st *Stack) []string {
	shared := sharedWarnings(c)
	var out []string
	for _, w := range st.Warnings {
		if !slices.Contains(shared, w) {
			out = append(out, w)
		}
	}
	return out
}

// sharedWarningsTitle introduces the warnings every stack has.
const sharedWarningsTitle = "Warnings for every stack"

// Cost bars geometry, in SVG user units.
const (
	barsWidth, barLeft, barRight = 820.0, 110.0, 700.0
	barHeight, barGap, barsTop   = 22.0, 12.0, 10.0
)

// costBarsView is the stacked bar chart: one bar per evaluated stack, one segment per
// category, all bars on one scale.
type costBarsView struct {
	Width, Height float64
	Bars          []costBar
	Legend        []costLegend
	AxisY         float64
	Ticks         []chartTick
	Left, Right   float64
}

type costBar struct {
	Stack, Total  string
	Y, TextY, End float64
	Segments      []costSegment
}

type costSegment struct {
	X, Y, Width, Height float64
	Colour              string
	Title               string
}

type costLegend struct {
	X, Y   float64
	Colour string
	Name   string
}

// costBars lays out the stacked bars of every evaluated stack.
func costBars(c *Comparison) costBarsView {
	v := costBarsView{Width: barsWidth, Left: barLeft, Right: barRight}
	maxTotal := 0.0
	for _, st := range c.Stacks {
		if st.Status == StatusOK {
			positive := 0.0
			for _, cat := range st.CostByCategory {
				positive += max(cat.MonthlyUSD, 0)
			}
			maxTotal = max(maxTotal, positive)
		}
	}
	top := niceCeiling(maxTotal)
	scale := (barRight - barLeft) / top
	colour := map[string]string{}
	for _, cat := range CostCategories {
		colour[cat.Name] = cat.Colour
	}
	y := barsTop
	used := map[string]bool{}
	for i := range c.Stacks {
		st := &c.Stacks[i]
		if st.Status != StatusOK || len(st.CostByCategory) == 0 {
			continue
		}
		bar := costBar{Stack: st.Stack, Total: StackCost(st), Y: y, TextY: y + barHeight/2 + 4}
		x := barLeft
		for _, cat := range st.CostByCategory {
			if cat.MonthlyUSD <= 0 {
				continue
			}
			w := cat.MonthlyUSD * scale
			bar.Segments = append(bar.Segments, costSegment{X: x, Y: y, Width: w, Height: barHeight, Colour: colour[cat.Category],
				Title: fmt.Sprintf("%s, %s: %s a month", st.Stack, cat.Category, Money(cat.MonthlyUSD))})
			used[cat.Category] = true
			x += w
		}
		bar.End = x
		v.Bars = append(v.Bars, bar)
		y += barHeight + barGap
	}
	v.AxisY = y
	for i := 0; i <= yTickCount; i++ {
		usd := top * float64(i) / yTickCount
		v.Ticks = append(v.Ticks, chartTick{Pos: barLeft + usd*scale, Label: strings.TrimSuffix(Money(usd), ".00")})
	}
	ly := y + 34
	lx := barLeft
	for _, cat := range CostCategories {
		if !used[cat.Name] {
			continue
		}
		width := 22 + 6.5*float64(len(cat.Name))
		if lx+width > barsWidth {
			lx, ly = barLeft, ly+18
		}
		v.Legend = append(v.Legend, costLegend{X: lx, Y: ly, Colour: cat.Colour, Name: cat.Name})
		lx += width + 14
	}
	v.Height = ly + 14
	return v
}

// htmlDiagram is one stack's picture as the HTML report embeds it.
type htmlDiagram struct {
	Stack string
	ID    string
	SVG   template.HTML
	Note  string
}

// htmlDiagrams prepares each stack's SVG for inline use: the XML prolog goes, and a
// picture that holds anything but Graphviz's drawing (a script, a foreign object, an
// event handler) is left out.
func htmlDiagrams(c *Comparison) []htmlDiagram {
	var out []htmlDiagram
	any := false
	for i, st := range c.Stacks {
		d := htmlDiagram{Stack: st.Stack, ID: fmt.Sprintf("diagram-%d", i+1)}
		if st.Diagram != nil && st.Diagram.SVG != "" {
			if svg, ok := inlineSVG(st.Diagram.SVG); ok {
				d.SVG = template.HTML(svg) // #nosec G203: Graphviz's escaped output, checked by inlineSVG
				any = true
			}
		}
		if d.SVG == "" {
			d.Note = notEvaluated
		}
		out = append(out, d)
	}
	if !any {
		return nil
	}
	return out
}

func inlineSVG(svg string) (string, bool) {
	start := strings.Index(svg, "<svg")
	if start < 0 {
		return "", false
	}
	svg = strings.Replace(svg[start:], ` xmlns:xlink="http://www.w3.org/1999/xlink"`, "", 1)
	lower := strings.ToLower(svg)
	for _, bad := range []string{"<script", "<foreignobject", "javascript:", "<iframe"} {
		if strings.Contains(lower, bad) {
			return "", false
		}
	}
	return svg, !onAttribute(lower)
}

// onAttribute reports whether any tag carries an event-handler attribute (on...=).
func onAttribute(lowerSVG string) bool {
	for _, tag := range strings.Split(lowerSVG, "<")[1:] {
		head, _, _ := strings.Cut(tag, ">")
		for _, field := range strings.Fields(head) {
			if strings.HasPrefix(field, "on") && strings.Contains(field, "=") {
				return true
			}
		}
	}
	return false
}

// categoryRows are the Markdown table of cost by category: one row per category, one
// column per evaluated stack.
func categoryRows(c *Comparison) (header []string, rows [][]string) {
	header = []string{"Category"}
	var stacks []*Stack
	for i := range c.Stacks {
		if st := &c.Stacks[i]; st.Status == StatusOK && len(st.CostByCategory) > 0 {
			stacks = append(stacks, st)
			header = append(header, st.Stack)
		}
	}
	if len(stacks) == 0 {
		return nil, nil
	}
	for _, cat := range CostCategories {
		row := []string{cat.Name}
		seen := false
		for _, st := range stacks {
			cell := "-"
			for _, cc := range st.CostByCategory {
				if cc.Category == cat.Name {
					cell, seen = Money(cc.MonthlyUSD), true
				}
			}
			row = append(row, cell)
		}
		if seen {
			rows = append(rows, row)
		}
	}
	total := []string{"Total"}
	for _, st := range stacks {
		total = append(total, StackCost(st))
	}
	return header, append(rows, total)
}
