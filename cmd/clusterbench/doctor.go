package main

import (
	"fmt"
	"io"
	"os"

	"github.com/clusterbench/clusterbench/components/kubeversion"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/clusterbench/clusterbench/internal/catalog"
	"github.com/clusterbench/clusterbench/internal/doctor"
	"github.com/clusterbench/clusterbench/internal/evaluate"
	"github.com/clusterbench/clusterbench/internal/inventory"
)

// runDoctor diagnoses stacks (or one Pulumi document) with every check of
// internal/doctor: exit 1 on any FAIL or a stack whose program failed, 2 on bad input.
func runDoctor(args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlags("doctor", stderr)
	dir := fs.String("stacks", "stacks", "directory of stack files")
	var names stringList
	fs.Var(&names, "stack", "diagnose only this stack (repeatable)")
	format := fs.String("format", "table", "table, json or markdown")
	severity := fs.String("severity", "", "show only findings at or above: warn or fail (default: every finding)")
	preview := fs.String("preview", "", "diagnose this `FILE`, written by pulumi preview --json or pulumi stack export, instead of stack files")
	if err := parseFlags(fs, args); err != nil {
		return exitBadInput, err
	}
	if !contains(doctor.Formats, *format) {
		return exitBadInput, badInput("--format %q: one of %v", *format, doctor.Formats)
	}
	if _, err := doctor.AtLeast(nil, *severity); err != nil {
		return exitBadInput, badInput("--severity %q: one of warn, fail", *severity)
	}
	if *preview != "" && len(names) > 0 {
		return exitBadInput, badInput("--preview FILE and --stack NAME exclude each other: a document is one stack")
	}
	cat, err := catalog.Default()
	if err != nil {
		return exitBadInput, err
	}
	cal := cat.Calendar()
	report := &doctor.Report{CalendarDate: cal.Date}
	code := exitOK
	if *preview != "" {
		st, err := diagnoseDocument(*preview, cal)
		if err != nil {
			return exitBadInput, err
		}
		report.Stacks = append(report.Stacks, st)
	} else {
		files, err := stackFiles(*dir, names)
		if err != nil {
			return exitBadInput, err
		}
		for _, ev := range evaluate.Files(files, spec.Options{SupportedVersion: cat.SupportedVersion}) {
			st := doctor.StackReport{Stack: ev.Stack, Source: ev.File, Status: doctor.StackOK}
			switch ev.Outcome {
			case evaluate.BadInput:
				st.Status, st.Error, code = doctor.StackError, ev.Err.Error(), max(code, exitBadInput)
				fmt.Fprintln(stderr, ev.Err)
			case evaluate.Failed:
				st.Status, st.Error, code = doctor.StackError, ev.Err.Error(), max(code, exitFindings)
				fmt.Fprintln(stderr, ev.Err)
			case evaluate.NotAvailable: // as compare: reported, not a finding
				st.Status, st.Error = doctor.StackNotAvailable, ev.Err.Error()
			default:
				st.Findings = doctor.Diagnose(&doctor.Subject{Inventory: ev.Inventory, Spec: ev.Spec, Calendar: cal})
			}
			report.Stacks = append(report.Stacks, st)
		}
	}
	for i := range report.Stacks {
		st := &report.Stacks[i]
		st.Counts = doctor.Count(st.Findings)
		if st.Counts.Fail > 0 {
			code = max(code, exitFindings)
		}
		st.Findings, _ = doctor.AtLeast(st.Findings, *severity)
	}
	if err := doctor.Render(stdout, report, *format); err != nil {
		return exitFindings, err
	}
	return code, nil
}

// diagnoseDocument runs the inventory checks on a real Pulumi document: no spec, so the
// checks that need one are skipped with that reason.
func diagnoseDocument(path string, cal *kubeversion.Calendar) (doctor.StackReport, error) {
	f, err := os.Open(path)
	if err != nil {
		return doctor.StackReport{}, badInput("--preview: %v", err)
	}
	defer f.Close()
	doc, err := inventory.ReadPulumiDocument(f)
	if err != nil {
		return doctor.StackReport{}, badInput("%s: %v", path, err)
	}
	return doctor.StackReport{
		Stack: doc.Inventory.Stack, Source: path, Status: doctor.StackOK,
		Findings: doctor.Diagnose(&doctor.Subject{Inventory: doc.Inventory, Calendar: cal}),
	}, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
