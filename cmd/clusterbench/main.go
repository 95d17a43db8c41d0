// Command clusterbench compares cluster variants offline: it runs the project's Pulumi
// program for each stack file under the mock engine and reports resources, monthly cost
// and fault tolerance. One file per subcommand; the work is in components/.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Exit codes (DESIGN.md CLI contract).
const (
	exitOK       = 0
	exitFindings = 1 // unpriced items, a stack whose program failed
	exitBadInput = 2 // unreadable or invalid stack file, bad flag
	// exitWriteFailed: the report could not be written (a full disk, a closed pipe).
	exitWriteFailed = 3
)

// exitError carries an exit code out of a subcommand.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

func badInput(format string, args ...any) error {
	return &exitError{code: exitBadInput, err: fmt.Errorf(format, args...)}
}

var commands = map[string]func(args []string, stdout, stderr io.Writer) (int, error){
	"compare":   runCompare,
	"inventory": runInventory,
	"cost":      runCost,
	"prices":    runPrices,
	"doctor":    runDoctor,
	"recommend": runRecommend,
	"diagram":   runDiagram,
}

const usage = `clusterbench: provision and compare container-orchestration clusters

usage:
  clusterbench compare   [--stacks DIR] [--stack NAME]... [--format table|json|markdown|csv|html] [--out PATH]
                         [--prices FILE] [--usage small|medium|large|FILE] [--gke-free-tier]
  clusterbench inventory --stack NAME [--stacks DIR] [--format table|json]
  clusterbench cost      --preview FILE [--format ...] [--prices FILE] [--usage ...] [--gke-free-tier]
  clusterbench prices import --region R (--aws OFFER.json... | --gcp SKUS.json...) [--out PATH]
  clusterbench doctor    [--stacks DIR] [--stack NAME]... [--format table|json|markdown] [--severity warn|fail]
                         [--preview FILE]
  clusterbench recommend --cloud aws|gcp|any --orchestrator managed|selfmanaged|swarm|any [--region R]
                         [--survive-zone-loss] [--tolerate N] [--min-vcpu N] [--min-memory-gib N]
                         [--private-nodes] [--max-monthly USD] [--usage ...] [--prices FILE] [--top K]
                         [--format table|json|markdown] [--emit-stack DIR]
  clusterbench diagram   --stack NAME [--stacks DIR] | --preview FILE [--format svg|dot|mermaid] [--out PATH]

exit codes: 0 ok; 1 findings (unpriced items, a doctor FAIL, a stack whose program failed); 2 bad input;
3 the report could not be written
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage) // no command is a usage error: the usage goes to stderr
		return exitBadInput
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "clusterbench: unknown command %q; one of %s\n", args[0], strings.Join(commandNames(), ", "))
		return exitBadInput
	}
	code, err := cmd(args[1:], stdout, stderr)
	if err != nil {
		var ee *exitError
		if errors.As(err, &ee) {
			code = ee.code
		} else if code == exitOK {
			code = exitFindings
		}
		var help *helpRequested
		if errors.As(err, &help) {
			help.print(stdout)
			code = exitOK
		} else {
			fmt.Fprintf(stderr, "clusterbench %s: %v\n", args[0], err)
		}
	}
	return code
}

// commandNames lists the subcommands, sorted.
func commandNames() []string {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// newFlags makes a subcommand's flag set: errors are returned and printed once, as one
// line (the flag list only on --help).
func newFlags(name string, _ io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// helpRequested is --help: run prints the flags to stdout and exits 0.
type helpRequested struct{ fs *flag.FlagSet }

func (h *helpRequested) Error() string { return flag.ErrHelp.Error() }

func (h *helpRequested) print(w io.Writer) {
	fmt.Fprintf(w, "usage of clusterbench %s:\n", h.fs.Name())
	h.fs.SetOutput(w)
	h.fs.PrintDefaults()
}

// parseFlags parses and refuses stray arguments.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return &helpRequested{fs: fs}
		}
		return badInput("%v (see clusterbench %s --help)", err, fs.Name())
	}
	if fs.NArg() > 0 {
		return badInput("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// stringList is a repeatable flag.
type stringList []string

func (l *stringList) String() string     { return fmt.Sprint(*l) }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// output opens --out (or stdout) for writing.
func output(path string, stdout io.Writer) (io.Writer, func() error, error) {
	if path == "" || path == "-" {
		return stdout, func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, badInput("--out: %v", err)
	}
	return f, f.Close, nil
}
